import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../checkpoint.js';
import { leafHash, treeHash } from '../merkle.js';
import { noteSigner } from '../note-keys.js';
import { verifyConsistency, verifyInclusion } from '../proofs.js';
import { refLeafHash, refRoot } from '../testing/merkle-reference.js';
import { openFileJournal } from './journal.js';
import { type Log, type LogOptions, openLog } from './log.js';
import { verifyLogDir } from './testing/verify-dir.js';

const ORIGIN = 'log.test.example/ledger';
const signer = noteSigner(ORIGIN, new Uint8Array(32).fill(1));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const buildEntries = (n: number, from = 0): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => enc(`{"n":${from + i}}`));

let dir: string;
const open: Log[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'synthguard-log-'));
});
afterEach(async () => {
  for (const log of open.splice(0)) await log.close();
  rmSync(dir, { recursive: true, force: true });
});

async function buildLog(options: Partial<LogOptions> = {}): Promise<Log> {
  const log = await openLog({ dir, origin: ORIGIN, signer, integrateIntervalMs: 5, ...options });
  open.push(log);
  return log;
}

async function closeLog(log: Log): Promise<void> {
  open.splice(open.indexOf(log), 1);
  await log.close();
}

async function appendAll(log: Log, entries: readonly Uint8Array[]): Promise<number[]> {
  return (await Promise.all(entries.map((e) => log.append(e)))).map((r) => r.index);
}

describe('openLog: a new log', () => {
  it('publishes a signed size-0 checkpoint', async () => {
    const log = await buildLog();
    const cp = log.checkpoint();
    expect(cp.size).toBe(0);
    expect(cp.root).toEqual(treeHash([]));
    expect(log.verifierKey).toBe(signer.verifier.verifierKey);
    const opened = openCheckpoint(cp.note, ORIGIN, [signer.verifier]);
    expect(opened.checkpoint.size).toBe(0);
    expect(new TextDecoder().decode(await log.read('checkpoint'))).toBe(cp.note);
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe(cp.note);
  });

  it('refuses an origin a checkpoint cannot carry', async () => {
    await expect(openLog({ dir, origin: 'has space', signer })).rejects.toMatchObject({
      code: 'ledger.malformed_checkpoint',
    });
  });
});

describe('append and integration', () => {
  it('acknowledges consecutive indexes and integrates them into RFC 6962 trees', async () => {
    const log = await buildLog();
    const seen: number[] = [];
    const unsubscribe = log.onCheckpoint((cp) => seen.push(cp.size));
    const entries = buildEntries(700);
    const indexes = await appendAll(log, entries);
    expect(indexes).toEqual(entries.map((_, i) => i));
    const cp = await log.integrated(699);
    expect(cp.size).toBe(700);
    expect(cp.root).toEqual(refRoot(entries.map(refLeafHash)));
    expect(seen.at(-1)).toBe(700);
    unsubscribe();
    expect(openCheckpoint(cp.note, ORIGIN, [signer.verifier]).checkpoint.rootHash).toEqual(cp.root);

    for (const i of [0, 255, 256, 511, 699]) {
      expect(await log.entry(i)).toEqual(entries[i]);
      const proof = await log.inclusionProof(i, 700);
      expect(verifyInclusion(i, 700, leafHash(entries[i]!), proof, cp.root)).toBe(true);
    }
    const oldRoot = refRoot(entries.slice(0, 300).map(refLeafHash));
    expect(verifyConsistency(300, 700, await log.consistencyProof(300, 700), oldRoot, cp.root)).toBe(true);

    // Reads: full and partial tiles and bundles of the published tree, nothing beyond it.
    expect((await log.read('tile/0/000'))!.length).toBe(256 * 32);
    expect((await log.read('tile/0/002.p/188'))!.length).toBe(188 * 32);
    expect((await log.read('tile/1/000.p/2'))!.length).toBe(2 * 32);
    expect(await log.read('tile/0/002.p/189')).toBeUndefined();
    expect(await log.read('tile/0/003.p/1')).toBeUndefined();
    expect(await log.read('tile/entries/002.p/188')).toBeDefined();
    expect(await log.read('tile/entries/003.p/1')).toBeUndefined();
    await expect(log.read('../etc/passwd')).rejects.toMatchObject({ code: 'ledger.invalid_path' });
    await verifyLogDir(dir, ORIGIN, signer.verifier);
  });

  it('resolves integrated() waiters, and refuses indexes never appended', async () => {
    const log = await buildLog({ integrateIntervalMs: 50 });
    const { index } = await log.append(enc('one'));
    const waiting = log.integrated(index);
    expect(log.checkpoint().size).toBe(0);
    expect((await waiting).size).toBe(1);
    expect((await log.integrated(0)).size).toBe(1);
    await expect(log.integrated(1)).rejects.toMatchObject({ code: 'ledger.out_of_range' });
    await expect(log.integrated(-1)).rejects.toMatchObject({ code: 'ledger.invalid_argument' });
    await expect(log.entry(1)).rejects.toMatchObject({ code: 'ledger.out_of_range' });
    await expect(log.inclusionProof(0, 2)).rejects.toMatchObject({ code: 'ledger.out_of_range' });
  });

  it('checks entry sizes: 1..65,535 bytes', async () => {
    const log = await buildLog();
    await expect(log.append(new Uint8Array(0))).rejects.toMatchObject({ code: 'ledger.invalid_argument' });
    await expect(log.append(new Uint8Array(65_536))).rejects.toMatchObject({
      code: 'ledger.entry_too_large',
      details: { size: 65_536, max: 65_535 },
    });
    await expect(log.append('text' as unknown as Uint8Array)).rejects.toMatchObject({
      code: 'ledger.invalid_argument',
    });
    const { index } = await log.append(new Uint8Array(65_535).fill(7));
    expect((await log.integrated(index)).size).toBe(1);
    expect((await log.entry(0)).length).toBe(65_535);
  });

  it('grows across tile levels in several integration steps (level-2 tiles at 65,536 leaves)', async () => {
    const log = await buildLog({ integrateMaxEntries: 20_000, batchMaxEntries: 8192 });
    const entries = buildEntries(66_000);
    await appendAll(log, entries);
    const cp = await log.integrated(65_999);
    const leaves = entries.map(leafHash);
    expect(cp.root).toEqual(treeHash(leaves));
    for (const i of [0, 65_535, 65_536, 65_999]) {
      expect(verifyInclusion(i, 66_000, leaves[i]!, await log.inclusionProof(i, 66_000), cp.root)).toBe(true);
    }
    expect((await log.read('tile/2/000.p/1'))!.length).toBe(32);
    await closeLog(log);
    const again = await buildLog();
    expect(again.checkpoint().root).toEqual(cp.root);
    await verifyLogDir(dir, ORIGIN, signer.verifier);
  }, 30_000);

  it('survives close and reopen, and continues the tree', async () => {
    let log = await buildLog();
    await appendAll(log, buildEntries(300));
    await closeLog(log);
    log = await buildLog();
    expect(log.checkpoint().size).toBe(300); // close integrates what was acknowledged
    await appendAll(log, buildEntries(10, 300));
    const cp = await log.integrated(309);
    expect(cp.root).toEqual(treeHash(buildEntries(310).map(leafHash)));
  });

  it('integrates at open what the journal holds beyond the checkpoint', async () => {
    const log = await buildLog();
    await appendAll(log, buildEntries(100));
    await closeLog(log);
    // As after a crash: journaled, acknowledged, never integrated.
    const journal = await openFileJournal(dir, { integrated: 100 });
    expect(await journal.append(buildEntries(50, 100))).toBe(100);
    await journal.close();
    const reopened = await buildLog();
    expect(reopened.checkpoint().size).toBe(150);
    expect(reopened.checkpoint().root).toEqual(treeHash(buildEntries(150).map(leafHash)));
  });

  it('refuses calls after close, and a second open of a locked directory', async () => {
    const log = await buildLog();
    await expect(openLog({ dir, origin: ORIGIN, signer })).rejects.toMatchObject({ code: 'ledger.locked' });
    const pending = log.append(enc('last'));
    await closeLog(log);
    expect(await pending).toEqual({ index: 0 }); // accepted before close: written, then closed
    await expect(log.append(enc('late'))).rejects.toMatchObject({ code: 'ledger.closed' });
    await expect(log.integrated(0)).resolves.toMatchObject({ size: 1 });
    await log.close(); // idempotent
    const again = await buildLog();
    expect(again.checkpoint().size).toBe(1);
  });

  it('takes over a stale lock left by a dead process', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'synthguard-ledger.lock'), '999999999\n');
    const log = await buildLog();
    expect(log.checkpoint().size).toBe(0);
  });
});

describe('bad input at open', () => {
  async function buildClosedLog(n: number): Promise<void> {
    const log = await buildLog();
    await appendAll(log, buildEntries(n));
    await closeLog(log);
  }

  it('refuses a checkpoint signed by another key (ledger.unknown_key, with the path)', async () => {
    await buildClosedLog(10);
    const other = noteSigner(ORIGIN, new Uint8Array(32).fill(2));
    await expect(openLog({ dir, origin: ORIGIN, signer: other })).rejects.toMatchObject({
      code: 'ledger.unknown_key',
      details: { path: 'checkpoint' },
    });
  });

  it('refuses a checkpoint of another origin', async () => {
    await buildClosedLog(10);
    await expect(openLog({ dir, origin: 'other.example/log', signer })).rejects.toMatchObject({
      code: 'ledger.origin_mismatch',
    });
  });

  it('refuses a checkpoint whose signature does not verify', async () => {
    await buildClosedLog(10);
    const text = readFileSync(join(dir, 'checkpoint'), 'utf8');
    writeFileSync(join(dir, 'checkpoint'), text.replace('\n10\n', '\n9\n'));
    await expect(buildLog()).rejects.toMatchObject({
      code: 'ledger.corrupt',
      details: { path: 'checkpoint' },
    });
  });

  it('detects a tile that does not reproduce the root', async () => {
    await buildClosedLog(300);
    const file = join(dir, 'tile/1/000.p/1');
    const bytes = readFileSync(file);
    bytes[0]! ^= 1;
    writeFileSync(file, bytes);
    await expect(buildLog()).rejects.toMatchObject({
      code: 'ledger.corrupt',
      details: { path: 'checkpoint', problem: 'the tiles do not reproduce the checkpoint root' },
    });
  });

  it('detects truncated and missing tiles', async () => {
    await buildClosedLog(300);
    const file = join(dir, 'tile/0/001.p/44');
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    await expect(buildLog()).rejects.toMatchObject({
      code: 'ledger.corrupt',
      details: { path: 'tile/0/001.p/44', problem: 'a tile has the wrong length' },
    });
    rmSync(file);
    await expect(buildLog()).rejects.toMatchObject({
      code: 'ledger.corrupt',
      details: { path: 'tile/0/001.p/44', problem: 'a published tile is missing' },
    });
  });

  it('detects an edge entry bundle that does not match its tile', async () => {
    await buildClosedLog(300);
    const file = join(dir, 'tile/entries/001.p/44');
    const bytes = readFileSync(file);
    bytes[bytes.length - 2]! ^= 1;
    writeFileSync(file, bytes);
    await expect(buildLog()).rejects.toMatchObject({ code: 'ledger.corrupt' });
    writeFileSync(file, bytes.subarray(0, 10));
    await expect(buildLog()).rejects.toMatchObject({
      code: 'ledger.corrupt',
      details: { path: 'tile/entries/001.p/44' },
    });
  });

  it('detects a journal that lost entries the checkpoint does not cover', async () => {
    const log = await buildLog({ journalSegmentBytes: 64 });
    for (const e of buildEntries(10)) await log.append(e);
    await closeLog(log); // integrated: segments wholly below 10 are deleted
    rmSync(join(dir, 'checkpoint'));
    await expect(buildLog()).rejects.toMatchObject({
      code: 'ledger.corrupt',
      details: { problem: 'the journal starts after the checkpoint' },
    });
  });
});

describe('clock', () => {
  it('refuses appends while the clock is behind earlier activity by more than the tolerance', async () => {
    let now = 1_800_000_000_000;
    const clock = (): number => now;
    let log = await buildLog({ now: clock, clockToleranceMs: 1000 });
    await log.integrated((await log.append(enc('a'))).index);
    now -= 500; // within the tolerance
    await log.append(enc('b'));
    now -= 2000;
    await expect(log.append(enc('c'))).rejects.toMatchObject({
      code: 'ledger.clock_backwards',
      details: { behindMs: 2500, toleranceMs: 1000 },
    });
    now += 2500;
    await log.append(enc('d'));
    await closeLog(log);
    // The last publication time survives a restart.
    now -= 60_000;
    log = await buildLog({ now: clock, clockToleranceMs: 1000 });
    await expect(log.append(enc('e'))).rejects.toMatchObject({ code: 'ledger.clock_backwards' });
  });
});

/** A small tmpfs for disk-full tests; undefined when mounting is not allowed here. */
function mountTmpfs(path: string, size: string): boolean {
  try {
    mkdirSync(path, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('disk full', () => {
  it('reports ledger.storage_full, acknowledges nothing it did not store, and recovers', async (ctx) => {
    const mnt = join(dir, 'mnt');
    if (!mountTmpfs(mnt, '512k')) {
      console.log('disk-full test skipped: cannot mount a tmpfs here (needs root)');
      ctx.skip();
      return;
    }
    const errors: unknown[] = [];
    try {
      const logDir = join(mnt, 'ledger');
      let log = await openLog({
        dir: logDir,
        origin: ORIGIN,
        signer,
        integrateIntervalMs: 5,
        onError: (e) => errors.push(e),
      });
      const acked = new Map<number, Uint8Array>();
      let full: unknown;
      for (let i = 0; i < 100 && full === undefined; i++) {
        const entry = new Uint8Array(30_000).fill(i + 1);
        try {
          acked.set((await log.append(entry)).index, entry);
        } catch (err) {
          full = err;
        }
      }
      expect(full).toMatchObject({ code: 'ledger.storage_full', details: { errno: 'ENOSPC' } });
      execFileSync('mount', ['-o', 'remount,size=16m', mnt]);
      const more = new Uint8Array(100).fill(200);
      acked.set((await log.append(more)).index, more);
      await log.close();
      log = await openLog({ dir: logDir, origin: ORIGIN, signer });
      try {
        expect(log.checkpoint().size).toBe(acked.size);
        for (const [index, entry] of acked) expect(await log.entry(index)).toEqual(entry);
      } finally {
        await log.close();
      }
      await verifyLogDir(logDir, ORIGIN, signer.verifier);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});
