// `synthguard ledger`, run as a real process: verify and fsck offline on a log built with the
// library, then proof / export / fsck against a fresh data directory's own log.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type HashReader,
  TILE_WIDTH,
  buildEvidencePack,
  buildProofBundle,
  encodeEntryBundle,
  entriesPath,
  newTiles,
  noteSigner,
  readTileData,
  signCheckpoint,
  storedHashes,
  storedTreeHash,
  tilePath,
} from '@synthguard/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  buildTempDir,
  buildTenantViaCli,
  parseJson,
  removeTempDirs,
  runCli,
} from '../testing/cli.js';

afterAll(removeTempDirs);

const ORIGIN = 'cli-test.synthguard.example/ledger';
const signer = noteSigner(ORIGIN, new Uint8Array(32).fill(9));
const KEY = signer.verifier.verifierKey;
const OTHER_KEY = noteSigner(ORIGIN, new Uint8Array(32).fill(8)).verifier.verifierKey;

/** A published log of `n` JSON entries in `dir` (tlog-tiles layout), built with the library. */
async function buildLogDir(dir: string, n: number): Promise<{ checkpoint: string; entries: Uint8Array[] }> {
  const entries = Array.from({ length: n }, (_, i) =>
    new TextEncoder().encode(
      `{"id":"r${i}","tenant":"t1","time":"2026-11-22T00:00:00.000Z","type":"admin.action","v":1}`,
    ),
  );
  const stored: Uint8Array[] = [];
  const reader: HashReader = (indexes) => indexes.map((i) => stored[i]!);
  for (const [i, e] of entries.entries()) stored.push(...(await storedHashes(i, e, reader)));
  const files = new Map<string, Uint8Array>();
  for (const tile of newTiles(0, n)) {
    files.set(tilePath(tile), await readTileData(tile, reader));
    if (tile.level === 0) {
      files.set(
        entriesPath(tile),
        encodeEntryBundle(entries.slice(tile.index * TILE_WIDTH, tile.index * TILE_WIDTH + tile.width)),
      );
    }
  }
  const checkpoint = signCheckpoint(
    { origin: ORIGIN, size: n, rootHash: await storedTreeHash(n, reader), extensions: [] },
    [signer],
  );
  files.set('checkpoint', new TextEncoder().encode(checkpoint));
  for (const [path, data] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  return { checkpoint, entries };
}

const errorCode = (r: CliResult): string => (parseJson(r) as { error: { code: string } }).error.code;

describe('synthguard ledger (offline)', () => {
  let logDir: string;
  let bundleFile: string;
  let packDir: string;
  beforeAll(async () => {
    const temp = buildTempDir();
    logDir = join(temp, 'log');
    const { checkpoint, entries } = await buildLogDir(logDir, 700);
    const read = (p: string): Promise<Uint8Array | undefined> => {
      try {
        return Promise.resolve(new Uint8Array(readFileSync(join(logDir, p))));
      } catch {
        return Promise.resolve(undefined);
      }
    };
    bundleFile = join(temp, '300.tlog-proof');
    writeFileSync(bundleFile, await buildProofBundle(300, { read, checkpoint, verifierKeys: [KEY] }));
    packDir = join(temp, 'pack');
    await buildEvidencePack({
      dir: packDir,
      records: [5, 6, 600].map((index) => ({ index, entry: entries[index]! })),
      read,
      checkpoint,
      keys: { log: [KEY] },
      tenant: 't1',
      period: { from: '2026-11-22', to: '2026-11-22' },
    });
  });

  it('verify: a proof bundle with the log key (exit 0), and what it proves', async () => {
    const r = await runCli(['ledger', 'verify', bundleFile, '--key', KEY]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^VALID: record r300: admin\.action, tenant t1, .* is leaf 300 of the log cli-test\.synthguard\.example\/ledger at tree size 700/,
    );
    const j = await runCli(['ledger', 'verify', bundleFile, '--key', KEY, '--json']);
    expect(parseJson(j)).toMatchObject({ valid: true, index: 300, size: 700, origin: ORIGIN });
  }, 60_000);

  it('verify: refuses without a key (exit 2), another key, a tampered bundle (exit 1)', async () => {
    expect((await runCli(['ledger', 'verify', bundleFile])).code).toBe(2);
    const other = await runCli(['ledger', 'verify', bundleFile, '--key', OTHER_KEY, '--json']);
    expect(other.code).toBe(1);
    expect(errorCode(other)).toBe('ledger.unknown_key');
    const tampered = join(dirname(bundleFile), 'tampered.tlog-proof');
    writeFileSync(tampered, readFileSync(bundleFile, 'utf8').replace(/^index 300$/m, 'index 301'));
    const bad = await runCli(['ledger', 'verify', tampered, '--key', KEY, '--json']);
    expect(bad.code).toBe(1);
    expect(errorCode(bad)).toBe('ledger.proof_failed');
    const missing = await runCli([
      'ledger',
      'verify',
      join(dirname(bundleFile), 'nope'),
      '--key',
      KEY,
      '--json',
    ]);
    expect(errorCode(missing)).toBe('cli.file_not_found');
  }, 60_000);

  it('verify: an evidence pack directory (keys.txt, or --key)', async () => {
    const r = await runCli(['ledger', 'verify', packDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^VALID: evidence pack .*: 3 record\(s\)/);
    expect((await runCli(['ledger', 'verify', packDir, '--key', KEY])).code).toBe(0);
    const other = await runCli(['ledger', 'verify', packDir, '--key', OTHER_KEY, '--json']);
    expect(other.code).toBe(1);
    expect(errorCode(other)).toBe('ledger.evidence_invalid');
  }, 60_000);

  it('fsck: passes the log, then names the first bad tile (exit 1)', async () => {
    const ok = await runCli(['ledger', 'fsck', '--dir', logDir, '--key', KEY]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(
      /^OK: log cli-test\.synthguard\.example\/ledger, 700 entries: 7 tiles and entry bundles verified/,
    );
    const tile = join(logDir, 'tile/0/001');
    const data = readFileSync(tile);
    writeFileSync(tile, data.subarray(0, 100));
    const bad = await runCli(['ledger', 'fsck', '--dir', logDir, '--key', KEY, '--json']);
    expect(bad.code).toBe(1);
    expect(parseJson(bad)).toMatchObject({
      error: { code: 'ledger.corrupt', details: { path: 'tile/0/001', problem: 'truncated' } },
    });
    const human = await runCli(['ledger', 'fsck', '--dir', logDir, '--key', KEY]);
    expect(human.stderr).toMatch(/ledger\.corrupt: .*tile\/0\/001/);
    writeFileSync(tile, data);
  }, 60_000);

  it('fsck: usage errors exit 2', async () => {
    expect((await runCli(['ledger', 'fsck', '--dir', logDir, '--url', 'http://127.0.0.1:1/'])).code).toBe(2);
    expect((await runCli(['ledger', 'fsck', '--url', 'http://127.0.0.1:1/ledger'])).code).toBe(2);
  }, 60_000);
});

describe('synthguard ledger (on a data directory)', () => {
  it('proof, export and fsck on the installation log; the pack verifies with its own verify.mjs', async () => {
    const data = buildTempDir();
    const tenant = await buildTenantViaCli(data);
    expect(tenant.code, tenant.stderr).toBe(0);
    const tenantId = (parseJson(tenant) as { id: string }).id;

    const fsck = await runCli(['--data', data, 'ledger', 'fsck', '--json']);
    expect(fsck.code, fsck.stdout + fsck.stderr).toBe(0);
    const size = (parseJson(fsck) as { size: number }).size;
    expect(size).toBeGreaterThan(0);

    const proofFile = join(data, 'leaf0.tlog-proof');
    const proof = await runCli(['--data', data, 'ledger', 'proof', '0', '-o', proofFile, '--json']);
    expect(proof.code, proof.stderr).toBe(0);
    const { verifierKey } = parseJson(proof) as { verifierKey: string };
    const verified = await runCli(['ledger', 'verify', proofFile, '--key', verifierKey]);
    expect(verified.code, verified.stderr).toBe(0);

    const today = new Date().toISOString().slice(0, 10);
    const pack = join(data, 'pack');
    const exported = await runCli([
      '--data',
      data,
      'ledger',
      'export',
      '--tenant',
      tenantId,
      '--from',
      today,
      '--to',
      today,
      '-o',
      pack,
      '--json',
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const summary = parseJson(exported) as { records: number };
    expect(summary.records).toBeGreaterThan(0);
    expect(readdirSync(join(pack, 'proofs'))).toHaveLength(summary.records);
    const node = spawnSync(process.execPath, [join(pack, 'verify.mjs'), '--key', verifierKey], {
      encoding: 'utf8',
    });
    expect(node.status, node.stderr).toBe(0);
    expect(node.stdout).toMatch(/^OK: /);

    const badDates = await runCli([
      '--data',
      data,
      'ledger',
      'export',
      '--tenant',
      tenantId,
      '--from',
      'x',
      '--to',
      today,
      '-o',
      join(data, 'p2'),
    ]);
    expect(badDates.code).toBe(2);

    // The public key, as inspectors and witnesses are given it, is the one that verified above.
    const key = await runCli(['--data', data, 'ledger', 'key', '--json']);
    expect(key.code, key.stderr).toBe(0);
    expect((parseJson(key) as { verifierKey: string }).verifierKey).toBe(verifierKey);
    // Erasure of a subject nobody recorded destroys nothing, and is itself recorded.
    const erase = await runCli(['--data', data, 'ledger', 'erase', '--subject', 'user-404', '--json']);
    expect(erase.code, erase.stderr).toBe(0);
    expect(parseJson(erase)).toEqual({ keyDestroyed: false, records: 0 });
    const expire = await runCli(['--data', data, 'ledger', 'expire', '--json']);
    expect(expire.code, expire.stderr).toBe(0);
    expect(parseJson(expire)).toEqual({ records: 0, keysDestroyed: 0 });
    const after = await runCli(['--data', data, 'ledger', 'fsck', '--json']);
    expect(after.code, after.stderr).toBe(0);
    expect((await runCli(['--data', data, 'ledger', 'erase'])).code).toBe(2);
  }, 180_000);
});
