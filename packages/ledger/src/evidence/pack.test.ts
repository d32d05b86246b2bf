// Evidence packs: built from a published log, verified by the library AND by the pack's own
// verify.mjs in a child `node` process (no synthguard code), intact and tampered.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint } from '../checkpoint.js';
import { buildRecordEntry, buildTestSigner, buildTileLog, type TileLog } from '../testing/tile-log.js';
import { buildEvidencePack, verifyEvidencePack } from './pack.js';

const temp = mkdtempSync(join(tmpdir(), 'sg-pack-'));
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

let log: TileLog;
let key: string;
let packDir: string;
/** Records of tenant-b: every third entry. */
const mine = (i: number): boolean => i % 3 === 1;

beforeAll(async () => {
  const entries = Array.from({ length: 700 }, (_, i) =>
    buildRecordEntry(i, mine(i) ? 'tenant-b' : 'tenant-a'),
  );
  const witness = buildTestSigner('witness.example', 4);
  log = await buildTileLog(entries, { publishEvery: 250 });
  key = log.signer.verifier.verifierKey;
  // A cosigned checkpoint, as a witnessed log publishes it.
  const checkpoint = signCheckpoint({ origin: log.origin, size: 700, rootHash: log.root, extensions: [] }, [
    log.signer,
    witness,
  ]);
  packDir = join(temp, 'pack');
  const summary = await buildEvidencePack({
    dir: packDir,
    records: entries.flatMap((entry, index) => (mine(index) ? [{ index, entry }] : [])),
    read: log.read,
    checkpoint,
    keys: { log: [key], labels: [{ keyId: 'k1', algorithm: 'Ed25519', publicKey: 'MCowBQYDK2VwAyEAabc=' }] },
    tenant: 'tenant-b',
    tenantName: 'Example AI',
    period: { from: '2026-11-01', to: '2026-11-30' },
    origin: log.origin,
    createdAt: new Date('2026-12-01T00:00:00Z'),
  });
  expect(summary).toMatchObject({ records: 233, origin: log.origin, size: 700 });
});

/** Runs the pack's verify.mjs with plain node: nothing of synthguard on its import path. */
function runVerify(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(dir, 'verify.mjs'), ...args], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the pack with one change. */
function tampered(name: string, change: (dir: string) => void): string {
  const dir = join(temp, name);
  cpSync(packDir, dir, { recursive: true });
  change(dir);
  return dir;
}

describe('evidence pack', () => {
  it('holds the files an inspector needs', () => {
    expect(readdirSync(packDir).sort()).toEqual([
      'README.md',
      'checkpoint',
      'keys.txt',
      'pack.json',
      'proofs',
      'records.jsonl',
      'verify.mjs',
    ]);
    expect(readdirSync(join(packDir, 'proofs'))).toHaveLength(233);
    const first = JSON.parse(readFileSync(join(packDir, 'records.jsonl'), 'utf8').split('\n')[0]!) as {
      index: number;
      entry: string;
    };
    expect(first.index).toBe(1);
    expect(JSON.parse(first.entry)).toMatchObject({ tenant: 'tenant-b', id: 'rec-1' });
    const keys = readFileSync(join(packDir, 'keys.txt'), 'utf8');
    expect(keys).toContain(`log ${key}\n`);
    expect(keys).toContain('label k1 Ed25519 MCowBQYDK2VwAyEAabc=\n');
    const readme = readFileSync(join(packDir, 'README.md'), 'utf8');
    expect(readme).toMatch(/Cybersecurity\s+Law/);
    expect(readme).toContain('Art. 9');
    expect(readme).toContain('node verify.mjs');
    expect(readme).toContain('openssl pkeyutl -verify');
    expect(JSON.parse(readFileSync(join(packDir, 'pack.json'), 'utf8'))).toMatchObject({
      tenant: 'tenant-b',
      from: '2026-11-01',
      to: '2026-11-30',
      size: 700,
      records: 233,
    });
  });

  it('verifies with the library', async () => {
    await expect(verifyEvidencePack(packDir)).resolves.toMatchObject({ records: 233, size: 700 });
    await expect(
      verifyEvidencePack(packDir, { verifierKeys: [key], origin: log.origin }),
    ).resolves.toMatchObject({
      records: 233,
    });
  });

  it('verifies with its own verify.mjs in a child node process (exit 0)', () => {
    const r = runVerify(packDir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK: 233 record\(s\) verified/);
    expect(r.stdout).toContain(`signed by ${log.origin}`);
    expect(runVerify(packDir, '--key', key).code).toBe(0);
    // From inside the pack directory, with the directory given explicitly too.
    expect(runVerify(packDir, packDir).code).toBe(0);
  });

  it.each<[string, (dir: string) => void, RegExp]>([
    [
      'a changed record',
      (dir) => {
        const path = join(dir, 'records.jsonl');
        writeFileSync(path, readFileSync(path, 'utf8').replace('"id\\":\\"rec-4\\"', '"id\\":\\"rec-X\\"'));
      },
      /records\.jsonl line 2/,
    ],
    [
      'a changed entry in a proof',
      (dir) => {
        const path = join(dir, 'proofs', '7.tlog-proof');
        const lines = readFileSync(path, 'utf8').split('\n');
        const entry = Buffer.from(lines[1]!.slice(6), 'base64').toString('utf8').replace('rec-7', 'rec-8');
        lines[1] = `extra ${Buffer.from(entry).toString('base64')}`;
        writeFileSync(path, lines.join('\n'));
      },
      /proofs\/7\.tlog-proof: the inclusion proof does NOT lead/,
    ],
    [
      'a flipped proof hash',
      (dir) => {
        const path = join(dir, 'proofs', '10.tlog-proof');
        const lines = readFileSync(path, 'utf8').split('\n');
        const h = Buffer.from(lines[3]!, 'base64');
        h[0] = h[0]! ^ 1;
        lines[3] = h.toString('base64');
        writeFileSync(path, lines.join('\n'));
      },
      /proofs\/10\.tlog-proof/,
    ],
    [
      'a removed proof',
      (dir) => {
        rmSync(join(dir, 'proofs', '13.tlog-proof'));
      },
      /no proof for index 13/,
    ],
    [
      'a removed record',
      (dir) => {
        const path = join(dir, 'records.jsonl');
        const lines = readFileSync(path, 'utf8').split('\n');
        lines.splice(3, 1);
        writeFileSync(path, lines.join('\n'));
      },
      /proofs of records not in records\.jsonl/,
    ],
    [
      'a forged checkpoint (bigger tree)',
      (dir) => {
        const path = join(dir, 'checkpoint');
        writeFileSync(path, readFileSync(path, 'utf8').replace('\n700\n', '\n701\n'));
      },
      /signature by .* does NOT verify/,
    ],
    [
      'a log key replaced by another one',
      (dir) => {
        const other = buildTestSigner(log.origin, 77).verifier.verifierKey;
        writeFileSync(join(dir, 'keys.txt'), `log ${other}\n`);
      },
      /no signature on the checkpoint is by a given log key/,
    ],
  ])(
    'fails on %s (verify.mjs exit 1, the library ledger.evidence_invalid)',
    async (name, change, message) => {
      const dir = tampered(name.replace(/\W+/g, '-'), change);
      const r = runVerify(dir);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^FAILED: /);
      expect(r.stderr).toMatch(message);
      await expect(verifyEvidencePack(dir)).rejects.toMatchObject({ code: 'ledger.evidence_invalid' });
    },
  );

  it('fails with a key the inspector holds when the pack was signed by another', async () => {
    const other = buildTestSigner(log.origin, 78).verifier.verifierKey;
    expect(runVerify(packDir, '--key', other).code).toBe(1);
    await expect(verifyEvidencePack(packDir, { verifierKeys: [other] })).rejects.toMatchObject({
      code: 'ledger.evidence_invalid',
      details: { file: 'checkpoint', reason: 'ledger.unknown_key' },
    });
  });

  it('exits 2 on a usage error', () => {
    expect(runVerify(packDir, '--nope').code).toBe(2);
    expect(runVerify(packDir, '--key').code).toBe(2);
  });

  it('refuses to build from records the log does not hold, or into a non-empty directory', async () => {
    const base = {
      read: log.read,
      checkpoint: log.checkpoint,
      keys: { log: [key] },
      tenant: 'tenant-b',
      period: { from: '2026-11-01', to: '2026-11-30' },
    };
    await expect(
      buildEvidencePack({
        ...base,
        dir: join(temp, 'x1'),
        records: [{ index: 4, entry: buildRecordEntry(5) }],
      }),
    ).rejects.toMatchObject({ code: 'ledger.entry_mismatch' });
    await expect(
      buildEvidencePack({
        ...base,
        dir: join(temp, 'x2'),
        records: [{ index: 700, entry: buildRecordEntry(700) }],
      }),
    ).rejects.toMatchObject({ code: 'ledger.out_of_range' });
    await expect(
      buildEvidencePack({ ...base, dir: packDir, records: [{ index: 1, entry: log.entries[1]! }] }),
    ).rejects.toMatchObject({ code: 'ledger.invalid_argument' });
  });
});
