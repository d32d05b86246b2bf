// `synthguard ledger archive` / `prune`, run as a real process on a log written with openLog.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { noteSigner, openLog } from '@synthguard/ledger';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliResult, buildTempDir, parseJson, removeTempDirs, runCli } from '../testing/cli.js';

afterAll(removeTempDirs);

const ORIGIN = 'cli-archive.synthguard.example/ledger';
const signer = noteSigner(ORIGIN, new Uint8Array(32).fill(5));
const KEY = signer.verifier.verifierKey;

/** A closed log of `n` record-like entries dated `time`, in `dir`. */
async function buildLog(dir: string, n: number, time: string): Promise<void> {
  const log = await openLog({ dir, origin: ORIGIN, signer, integrateIntervalMs: 5 });
  const acks = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      log.append(
        new TextEncoder().encode(`{"id":"r${i}","tenant":"t1","time":"${time}","type":"admin.action","v":1}`),
      ),
    ),
  );
  await log.integrated(acks.at(-1)!.index);
  await log.close();
}

const errorCode = (r: CliResult): string => (parseJson(r) as { error: { code: string } }).error.code;

describe('synthguard ledger archive / prune', () => {
  it('archives, prunes past retention, and fsck passes on the pruned log', async () => {
    const temp = buildTempDir();
    const dir = join(temp, 'ledger');
    const archive = join(temp, 'archive');
    await buildLog(dir, 800, '2020-01-01T00:00:00.000Z');

    const noArchive = await runCli([
      'ledger',
      'prune',
      '--dir',
      dir,
      '--key',
      KEY,
      '--archive',
      archive,
      '--json',
    ]);
    expect(noArchive.code).toBe(1);
    expect(errorCode(noArchive)).toBe('cli.file_not_found');
    expect(
      (await runCli(['ledger', 'archive', '--dir', dir, '--key', KEY, '--before', '100', '-o', archive]))
        .code,
    ).toBe(2);

    const a = await runCli([
      'ledger',
      'archive',
      '--dir',
      dir,
      '--key',
      KEY,
      '--before',
      '600',
      '-o',
      archive,
      '--json',
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(parseJson(a)).toMatchObject({ below: 512, bundles: 2, size: 800, origin: ORIGIN });

    const p = await runCli(['ledger', 'prune', '--dir', dir, '--key', KEY, '--archive', archive, '--json']);
    expect(p.code, p.stderr).toBe(0);
    expect(parseJson(p)).toMatchObject({ minimumIndex: 512, bundlesRemoved: 2, retentionDays: 184 });
    expect(existsSync(join(dir, 'tile/entries/000'))).toBe(false);

    const f = await runCli(['ledger', 'fsck', '--dir', dir, '--key', KEY, '--json']);
    expect(f.code, f.stdout + f.stderr).toBe(0);
    expect(parseJson(f)).toMatchObject({ ok: true, size: 800, prunedBelow: 512, bundlesPruned: 2 });
    const human = await runCli(['ledger', 'fsck', '--dir', dir, '--key', KEY]);
    expect(human.stdout).toMatch(/entries below 512 pruned \(2 bundles absent\)/);
  }, 120_000);

  it('refuses to prune entries within the longest retention, and a tampered archive', async () => {
    const temp = buildTempDir();
    const dir = join(temp, 'ledger');
    const archive = join(temp, 'archive');
    await buildLog(dir, 300, new Date().toISOString());
    const a = await runCli([
      'ledger',
      'archive',
      '--dir',
      dir,
      '--key',
      KEY,
      '--before',
      '256',
      '-o',
      archive,
    ]);
    expect(a.code, a.stderr).toBe(0);
    const p = await runCli(['ledger', 'prune', '--dir', dir, '--key', KEY, '--archive', archive, '--json']);
    expect(p.code).toBe(1);
    expect(parseJson(p)).toMatchObject({
      error: { code: 'ledger.prune_refused', details: { problem: 'retention' } },
    });
    expect(existsSync(join(dir, 'tile/entries/000'))).toBe(true);

    writeFileSync(join(archive, 'checkpoint'), 'not a checkpoint\n');
    const t = await runCli(['ledger', 'prune', '--dir', dir, '--key', KEY, '--archive', archive, '--json']);
    expect(t.code).toBe(1);
    expect(errorCode(t)).toBe('ledger.archive_invalid');
  }, 120_000);
});
