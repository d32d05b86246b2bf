import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { utf8Encode } from '@synthguard/core';
import { leafHash } from '../merkle.js';
import { noteSigner } from '../note-keys.js';
import { verifyInclusion } from '../proofs.js';
import { type Log, openLog } from '../log/log.js';
import { PRUNE_MARK_FILE, readPruneMark } from '../log/prune-mark.js';
import {
  ARCHIVE_MANIFEST,
  type ArchiveManifest,
  archiveEntries,
  pruneEntries,
  verifyArchive,
} from './archive.js';
import { fsckLog } from './fsck.js';
import { buildProofBundle, verifyProofBundle } from './proof-bundle.js';
import { directoryTileReader } from './tile-reader.js';

const ORIGIN = 'archive.test.example/ledger';
const signer = noteSigner(ORIGIN, new Uint8Array(32).fill(3));
const KEY = signer.verifier.verifierKey;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const MINUTE = 60_000;

/** A leaf like ours: canonical JSON with a `time`, one minute apart. */
const entryAt = (i: number): Uint8Array =>
  utf8Encode(
    `{"id":"rec-${i}","tenant":"t","time":"${new Date(T0 + i * MINUTE).toISOString()}","type":"content.labeled","v":1}`,
  );

let root: string;
let dir: string;
let out: string;
const open: Log[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'synthguard-archive-'));
  dir = join(root, 'ledger');
  out = join(root, 'archive');
});
afterEach(async () => {
  for (const log of open.splice(0)) await log.close();
  rmSync(root, { recursive: true, force: true });
});

async function openTestLog(): Promise<Log> {
  const log = await openLog({ dir, origin: ORIGIN, signer, integrateIntervalMs: 5 });
  open.push(log);
  return log;
}

async function closeLog(log: Log): Promise<void> {
  open.splice(open.indexOf(log), 1);
  await log.close();
}

/** Appends entries from..to-1 in steps of `step`, each step integrated (so partial tiles exist). */
async function appendRange(log: Log, from: number, to: number, step = 100): Promise<void> {
  for (let at = from; at < to; at += step) {
    const batch = Array.from({ length: Math.min(step, to - at) }, (_, i) => log.append(entryAt(at + i)));
    const last = (await Promise.all(batch)).at(-1)!;
    await log.integrated(last.index);
  }
}

/** A closed log of `n` entries (more than 3 full bundles by default), in `dir`. */
async function buildClosedLog(n = 3 * 256 + 50): Promise<void> {
  const log = await openTestLog();
  await appendRange(log, 0, n);
  await closeLog(log);
}

const readLog = (): ReturnType<typeof directoryTileReader> => directoryTileReader(dir);

function rewriteManifest(
  change: (m: { files: { path: string; sha256: string; bytes: number }[] }) => void,
): void {
  const path = join(out, ARCHIVE_MANIFEST);
  const m = JSON.parse(readFileSync(path, 'utf8')) as ArchiveManifest & {
    files: { path: string; sha256: string; bytes: number }[];
  };
  change(m);
  writeFileSync(path, JSON.stringify(m));
}

function flipByte(file: string, at = 10): Buffer {
  const data = readFileSync(file);
  data[at] = data[at]! ^ 1;
  writeFileSync(file, data);
  return data;
}

describe('archiveEntries and verifyArchive', () => {
  it('archives the full bundles below 512 with every hash tile; the archive verifies offline', async () => {
    await buildClosedLog();
    const progress: number[] = [];
    const summary = await archiveEntries({
      read: readLog(),
      verifierKeys: [KEY],
      origin: ORIGIN,
      below: 512,
      out,
      onProgress: (done) => progress.push(done),
    });
    expect(summary).toMatchObject({ origin: ORIGIN, size: 818, below: 512, bundles: 2 });
    expect(summary.tiles).toBe(5); // tile/0/000..002, 003.p/50, tile/1/000.p/3
    expect(progress.at(-1)).toBe(summary.tiles + summary.bundles + 1);
    expect(existsSync(join(out, 'tile/entries/000'))).toBe(true);
    expect(existsSync(join(out, 'tile/entries/001'))).toBe(true);
    expect(existsSync(join(out, 'tile/entries/002'))).toBe(false);

    // Offline: the manifest, then fsck of the archive up to 512.
    expect(await verifyArchive(out, { verifierKeys: [KEY] })).toEqual(summary);
    const report = await fsckLog(directoryTileReader(out), { verifierKeys: [KEY], entriesBelow: 512 });
    expect(report).toMatchObject({ ok: true, size: 818, entries: 512, bundlesAbsent: 2 });
    // Without the option the later bundles are missing: fsck says so.
    const strict = await fsckLog(directoryTileReader(out), { verifierKeys: [KEY] });
    expect(strict.failure).toMatchObject({ path: 'tile/entries/002', problem: 'missing' });
    const manifest = JSON.parse(readFileSync(join(out, ARCHIVE_MANIFEST), 'utf8')) as ArchiveManifest;
    expect(manifest.files.find((f) => f.path === 'tile/entries/000')?.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(out, 'tile/entries/000')))
        .digest('hex'),
    );
  });

  it('refuses a bad below and a non-empty directory', async () => {
    await buildClosedLog(600);
    const base = { read: readLog(), verifierKeys: [KEY], out };
    await expect(archiveEntries({ ...base, below: 300 })).rejects.toMatchObject({
      code: 'ledger.invalid_argument',
    });
    await expect(archiveEntries({ ...base, below: 0 })).rejects.toMatchObject({
      code: 'ledger.invalid_argument',
    });
    await expect(archiveEntries({ ...base, below: 768 })).rejects.toMatchObject({
      code: 'ledger.out_of_range',
    });
    writeFileSync(join(root, 'x'), 'x');
    await expect(archiveEntries({ ...base, out: root, below: 256 })).rejects.toMatchObject({
      code: 'ledger.invalid_argument',
      details: { field: 'out' },
    });
  });

  it('detects a tampered archive: a file, the manifest, the checkpoint', async () => {
    await buildClosedLog();
    await archiveEntries({ read: readLog(), verifierKeys: [KEY], below: 512, out });
    const file = join(out, 'tile/entries/001');
    const data = flipByte(file);
    await expect(verifyArchive(out, { verifierKeys: [KEY] })).rejects.toMatchObject({
      code: 'ledger.archive_invalid',
      details: { file: 'tile/entries/001', problem: 'wrong_hash' },
    });
    // The manifest updated to the tampered bytes: fsck of the archive catches it.
    rewriteManifest((m) => {
      m.files.find((f) => f.path === 'tile/entries/001')!.sha256 = createHash('sha256')
        .update(data)
        .digest('hex');
    });
    await expect(verifyArchive(out, { verifierKeys: [KEY] })).rejects.toMatchObject({
      code: 'ledger.archive_invalid',
      details: { file: 'tile/entries/001', problem: 'wrong_hash' },
    });
    // A bundle left out of the manifest.
    rewriteManifest((m) => {
      m.files = m.files.filter((f) => f.path !== 'tile/entries/000');
    });
    await expect(verifyArchive(out, { verifierKeys: [KEY] })).rejects.toMatchObject({
      code: 'ledger.archive_invalid',
      details: { file: 'tile/entries/000', problem: 'missing' },
    });
    rmSync(join(out, ARCHIVE_MANIFEST));
    await expect(verifyArchive(out, { verifierKeys: [KEY] })).rejects.toMatchObject({
      code: 'ledger.archive_invalid',
      details: { file: ARCHIVE_MANIFEST, problem: 'missing' },
    });
  });
});

describe('pruneEntries', () => {
  it('prunes below 512: fsck passes, pruned reads are ledger.pruned, proofs still work', async () => {
    await buildClosedLog();
    await archiveEntries({ read: readLog(), verifierKeys: [KEY], below: 512, out });
    const phases = new Set<string>();
    const outcome = await pruneEntries({
      dir,
      archiveDir: out,
      verifierKeys: [KEY],
      onProgress: (phase) => phases.add(phase),
    });
    expect(outcome).toMatchObject({ minimumIndex: 512, previous: 0, bundlesRemoved: 2 });
    expect(outcome.partialsRemoved).toBeGreaterThan(0); // 000.p/100, 001.p/…, tile/0/…, bundles
    expect([...phases]).toEqual(['verify', 'check', 'remove']);
    expect(existsSync(join(dir, 'tile/entries/000'))).toBe(false);
    expect(existsSync(join(dir, 'tile/entries/001'))).toBe(false);
    expect(existsSync(join(dir, 'tile/entries/002'))).toBe(true);
    expect(existsSync(join(dir, 'tile/0/000'))).toBe(true); // hash tiles are kept
    expect(existsSync(join(dir, 'tile/0/000.p'))).toBe(false); // superseded partials are gone
    expect(existsSync(join(dir, 'tile/0/003.p/50'))).toBe(true); // the checkpoint's own partial stays
    expect((await readPruneMark(dir))?.minimumIndex).toBe(512);

    // fsck: passes with the mark, names the missing bundle without it.
    const report = await fsckLog(readLog(), { verifierKeys: [KEY], prunedBelow: 512 });
    expect(report).toMatchObject({ ok: true, size: 818, entries: 818 - 512, bundlesAbsent: 2 });
    const strict = await fsckLog(readLog(), { verifierKeys: [KEY] });
    expect(strict.failure).toMatchObject({ path: 'tile/entries/000', problem: 'missing' });

    // The running log knows its minimum index.
    const log = await openTestLog();
    await expect(log.entry(0)).rejects.toMatchObject({
      code: 'ledger.pruned',
      details: { index: 0, minimumIndex: 512 },
    });
    await expect(log.entry(511)).rejects.toMatchObject({ code: 'ledger.pruned' });
    await expect(log.read('tile/entries/001')).rejects.toMatchObject({
      code: 'ledger.pruned',
      details: { path: 'tile/entries/001' },
    });
    await expect(log.read('tile/entries/000.p/100')).rejects.toMatchObject({ code: 'ledger.pruned' });
    expect(await log.entry(512)).toEqual(entryAt(512));
    const cp = log.checkpoint();
    // Proofs: entries above the minimum index as before; a pruned entry's leaf is still provable.
    for (const index of [3, 600, 817]) {
      const proof = await log.inclusionProof(index, cp.size);
      expect(verifyInclusion(index, cp.size, leafHash(entryAt(index)), proof, cp.root)).toBe(true);
    }
    const read = (p: string): Promise<Uint8Array | undefined> => log.read(p);
    const bundle = await buildProofBundle(600, { read, checkpoint: cp.note, verifierKeys: [KEY] });
    expect(verifyProofBundle(bundle, { verifierKeys: [KEY] }).index).toBe(600);
    await expect(
      buildProofBundle(10, { read, checkpoint: cp.note, verifierKeys: [KEY] }),
    ).rejects.toMatchObject({
      code: 'ledger.pruned',
    });
    // The log keeps growing; fsck still passes.
    await appendRange(log, 818, 1100);
    expect(await log.entry(1099)).toEqual(entryAt(1099));
    await closeLog(log);
    const grown = await fsckLog(readLog(), { verifierKeys: [KEY], prunedBelow: 512 });
    expect(grown).toMatchObject({ ok: true, size: 1100 });
  });

  it('prunes a whole tree (below = size) and the log still opens and grows', async () => {
    await buildClosedLog(512);
    await archiveEntries({ read: readLog(), verifierKeys: [KEY], below: 512, out });
    await pruneEntries({ dir, archiveDir: out, verifierKeys: [KEY] });
    const log = await openTestLog();
    expect(log.checkpoint().size).toBe(512);
    await appendRange(log, 512, 520);
    expect(await log.entry(519)).toEqual(entryAt(519));
    await closeLog(log);
    expect((await fsckLog(readLog(), { verifierKeys: [KEY], prunedBelow: 512 })).ok).toBe(true);
  });

  it('a crash between the mark and the deletions leaves a log that verifies and opens', async () => {
    await buildClosedLog();
    await archiveEntries({ read: readLog(), verifierKeys: [KEY], below: 512, out });
    const kept = readFileSync(join(dir, 'tile/entries/001'));
    await pruneEntries({ dir, archiveDir: out, verifierKeys: [KEY] });
    writeFileSync(join(dir, 'tile/entries/001'), kept); // as if its unlink never happened
    expect((await fsckLog(readLog(), { verifierKeys: [KEY], prunedBelow: 512 })).bundlesAbsent).toBe(1);
    flipByte(join(dir, 'tile/entries/001'), 30); // a present bundle is still checked
    expect((await fsckLog(readLog(), { verifierKeys: [KEY], prunedBelow: 512 })).failure).toMatchObject({
      path: 'tile/entries/001',
      problem: 'wrong_hash',
    });
    writeFileSync(join(dir, 'tile/entries/001'), kept);
    // Running it again finishes the job; the mark never goes down.
    const again = await pruneEntries({ dir, archiveDir: out, below: 256, verifierKeys: [KEY] });
    expect(again).toMatchObject({ minimumIndex: 512, previous: 512, bundlesRemoved: 1 });
    const log = await openTestLog();
    await expect(log.entry(300)).rejects.toMatchObject({ code: 'ledger.pruned' });
  });

  it('refuses without a valid archive, with a tampered one, or one of another log; removes nothing', async () => {
    await buildClosedLog();
    const untouched = (): void => {
      expect(existsSync(join(dir, 'tile/entries/000'))).toBe(true);
      expect(existsSync(join(dir, PRUNE_MARK_FILE))).toBe(false);
    };
    await expect(pruneEntries({ dir, archiveDir: out, verifierKeys: [KEY] })).rejects.toMatchObject({
      code: 'ledger.archive_invalid',
      details: { file: ARCHIVE_MANIFEST, problem: 'missing' },
    });
    untouched();
    await archiveEntries({ read: readLog(), verifierKeys: [KEY], below: 256, out });
    await expect(
      pruneEntries({ dir, archiveDir: out, below: 512, verifierKeys: [KEY] }),
    ).rejects.toMatchObject({
      code: 'ledger.prune_refused',
      details: { problem: 'not_archived' },
    });
    untouched();
    flipByte(join(out, 'tile/entries/000'));
    await expect(pruneEntries({ dir, archiveDir: out, verifierKeys: [KEY] })).rejects.toMatchObject({
      code: 'ledger.archive_invalid',
      details: { file: 'tile/entries/000' },
    });
    untouched();

    // A valid archive of another log with the same key and origin: not this log's history.
    const otherDir = join(root, 'other');
    const otherLog = await openLog({ dir: otherDir, origin: ORIGIN, signer, integrateIntervalMs: 5 });
    await Promise.all(Array.from({ length: 300 }, (_, i) => otherLog.append(utf8Encode(`other ${i}`))));
    await otherLog.integrated(299);
    await otherLog.close();
    const otherOut = join(root, 'other-archive');
    await archiveEntries({
      read: directoryTileReader(otherDir),
      verifierKeys: [KEY],
      below: 256,
      out: otherOut,
    });
    await expect(pruneEntries({ dir, archiveDir: otherOut, verifierKeys: [KEY] })).rejects.toMatchObject({
      code: 'ledger.archive_invalid',
      details: { problem: 'not_this_log' },
    });
    untouched();
  });

  it('refuses while the log is open', async () => {
    await buildClosedLog(300);
    await archiveEntries({ read: readLog(), verifierKeys: [KEY], below: 256, out });
    await openTestLog();
    await expect(pruneEntries({ dir, archiveDir: out, verifierKeys: [KEY] })).rejects.toMatchObject({
      code: 'ledger.locked',
    });
  });

  it('retention guard: refuses entries at or after retainAfter, prunes older ones', async () => {
    await buildClosedLog();
    await archiveEntries({ read: readLog(), verifierKeys: [KEY], below: 512, out });
    // Entry 511 is at T0 + 511 minutes: still retained.
    const retainAfter = new Date(T0 + 400 * MINUTE);
    await expect(
      pruneEntries({ dir, archiveDir: out, verifierKeys: [KEY], retainAfter }),
    ).rejects.toMatchObject({
      code: 'ledger.prune_refused',
      details: { problem: 'retention', time: new Date(T0 + 400 * MINUTE).toISOString() },
    });
    expect(existsSync(join(dir, PRUNE_MARK_FILE))).toBe(false);
    // Bundle 000 only (entries up to 255 minutes) is old enough.
    const outcome = await pruneEntries({
      dir,
      archiveDir: out,
      below: 256,
      verifierKeys: [KEY],
      retainAfter,
    });
    expect(outcome).toMatchObject({ minimumIndex: 256, bundlesRemoved: 1 });
  });

  it('retention guard: an entry without a time is never pruned under a policy', async () => {
    const log = await openTestLog();
    await Promise.all(Array.from({ length: 256 }, (_, i) => log.append(utf8Encode(`raw ${i}`))));
    await log.integrated(255);
    await closeLog(log);
    await archiveEntries({ read: readLog(), verifierKeys: [KEY], below: 256, out });
    await expect(
      pruneEntries({ dir, archiveDir: out, verifierKeys: [KEY], retainAfter: new Date() }),
    ).rejects.toMatchObject({ code: 'ledger.prune_refused', details: { problem: 'no_time', index: 0 } });
  });

  it('a damaged prune mark stops the log from opening (ledger.corrupt)', async () => {
    await buildClosedLog(300);
    writeFileSync(join(dir, PRUNE_MARK_FILE), '{"v":1,"minimumIndex":100}');
    await expect(openTestLog()).rejects.toMatchObject({
      code: 'ledger.corrupt',
      details: { path: PRUNE_MARK_FILE },
    });
  });
});
