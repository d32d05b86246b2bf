import { mkdtempSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8Encode } from '@synthguard/core';
import { signCheckpoint } from '../checkpoint.js';
import {
  buildRecordEntry,
  buildTestSigner,
  buildTileLog,
  type TileLog,
  writeTileLog,
} from '../testing/tile-log.js';
import { type FsckReport, fsckError, fsckLog, fsckTotal } from './fsck.js';
import { directoryTileReader } from './tile-reader.js';

const entries = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => buildRecordEntry(i));

/** A copy of the log's files with one change, and its reader. */
function variant(log: TileLog, change: (files: Map<string, Uint8Array>) => void) {
  const files = new Map([...log.files].map(([k, v]) => [k, v.slice()]));
  change(files);
  return (p: string): Promise<Uint8Array | undefined> => Promise.resolve(files.get(p));
}

function flip(files: Map<string, Uint8Array>, path: string, at: number): void {
  const data = files.get(path);
  if (data === undefined) throw new Error(`no ${path}`);
  data[at] = data[at]! ^ 0x01;
}

describe('fsckLog', () => {
  it.each([0, 1, 2, 255, 256, 257, 511, 512, 1000])('passes a good log of %i entries', async (n) => {
    const log = await buildTileLog(entries(n), { publishEvery: 97 });
    const progress: [number, number][] = [];
    const report = await fsckLog(log.read, {
      verifierKeys: [log.signer.verifier.verifierKey],
      origin: log.origin,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(report.failure).toBeUndefined();
    expect(report).toMatchObject({ ok: true, size: n, entries: n, total: fsckTotal(n), done: fsckTotal(n) });
    expect(report.root).toEqual(log.root);
    expect(progress.at(-1)).toEqual([fsckTotal(n), fsckTotal(n)]);
    expect(fsckError(report)).toBeUndefined();
  });

  describe('on a log with a level-2 tile (65,536 + 300 entries)', () => {
    let log: TileLog;
    let key: string;
    beforeAll(async () => {
      log = await buildTileLog(entries(65_536 + 300));
      key = log.signer.verifier.verifierKey;
    }, 60_000);

    const check = (read: (p: string) => Promise<Uint8Array | undefined>): Promise<FsckReport> =>
      fsckLog(read, { verifierKeys: [key], origin: log.origin });

    it('passes the intact log: every tile and bundle', async () => {
      // Level 0: 258 tiles (the last 257.p/44) and their bundles; level 1: tile/1/000 and
      // 1/001.p/1; level 2: 2/000.p/1.
      expect(fsckTotal(log.entries.length)).toBe(258 * 2 + 2 + 1);
      const report = await check(log.read);
      expect(report).toMatchObject({ ok: true, done: 519, total: 519, entries: 65_836 });
    });

    it.each([
      ['a missing level-0 tile', 'tile/0/007', 'missing'],
      ['a missing entry bundle', 'tile/entries/100', 'missing'],
      ['a missing level-1 tile', 'tile/1/000', 'missing'],
      ['the missing level-2 tile', 'tile/2/000.p/1', 'missing'],
    ])('reports %s', async (_name, path, problem) => {
      const report = await check(variant(log, (f) => f.delete(path)));
      expect(report.ok).toBe(false);
      expect(report.failure).toMatchObject({ path, problem });
      expect(fsckError(report)).toMatchObject({ code: 'ledger.corrupt', details: { path, problem } });
    });

    it('reports a truncated tile and a truncated or padded bundle', async () => {
      let r = await check(variant(log, (f) => f.set('tile/0/010', f.get('tile/0/010')!.subarray(0, 8000))));
      expect(r.failure).toMatchObject({ path: 'tile/0/010', problem: 'truncated' });
      r = await check(
        variant(log, (f) => f.set('tile/entries/010', f.get('tile/entries/010')!.subarray(0, 500))),
      );
      expect(r.failure).toMatchObject({ path: 'tile/entries/010', problem: 'truncated' });
      r = await check(
        variant(log, (f) => {
          const b = f.get('tile/entries/010')!;
          f.set('tile/entries/010', new Uint8Array([...b, 0, 1, 7]));
        }),
      );
      expect(r.failure).toMatchObject({ path: 'tile/entries/010', problem: 'oversized' });
      r = await check(variant(log, (f) => f.set('tile/1/000', new Uint8Array(8192 + 32))));
      expect(r.failure).toMatchObject({ path: 'tile/1/000', problem: 'oversized' });
    });

    it('blames the changed file: an entry, a level-0 hash, a level-1 hash', async () => {
      // An entry changed (its bytes, same length): the bundle is wrong.
      let r = await check(
        variant(log, (f) => {
          flip(f, 'tile/entries/020', 40);
        }),
      );
      expect(r.failure).toMatchObject({ path: 'tile/entries/020', problem: 'wrong_hash' });
      expect(r.failure?.message).toMatch(/entry 5120 /);
      // A hash in a full level-0 tile: the tile is wrong (the entries give the level-1 hash).
      r = await check(
        variant(log, (f) => {
          flip(f, 'tile/0/020', 32 * 9);
        }),
      );
      expect(r.failure).toMatchObject({ path: 'tile/0/020', problem: 'wrong_hash' });
      // The same in the rightmost partial tile (the checkpoint root vouches for the entries).
      r = await check(
        variant(log, (f) => {
          flip(f, 'tile/0/257.p/44', 32 * 3);
        }),
      );
      expect(r.failure).toMatchObject({ path: 'tile/0/257.p/44', problem: 'wrong_hash' });
      r = await check(
        variant(log, (f) => {
          flip(f, 'tile/entries/257.p/44', 60);
        }),
      );
      expect(r.failure).toMatchObject({ path: 'tile/entries/257.p/44', problem: 'wrong_hash' });
      // A level-1 hash.
      r = await check(
        variant(log, (f) => {
          flip(f, 'tile/1/000', 32 * 200 + 7);
        }),
      );
      expect(r.failure).toMatchObject({ path: 'tile/1/000', problem: 'wrong_hash' });
      expect(r.failure?.message).toMatch(/not the root of tile\/0\/200/);
      // The level-2 tile (a hash of the full level-1 tile).
      r = await check(
        variant(log, (f) => {
          flip(f, 'tile/2/000.p/1', 0);
        }),
      );
      expect(r.failure).toMatchObject({ path: 'tile/2/000.p/1', problem: 'wrong_hash' });
    });

    it('reports the first bad file when there are several', async () => {
      const r = await check(
        variant(log, (f) => {
          flip(f, 'tile/entries/100', 10);
          f.delete('tile/0/005');
        }),
      );
      expect(r.failure).toMatchObject({ path: 'tile/0/005', problem: 'missing' });
      expect(r.done).toBeLessThan(20);
    });

    it('reports a checkpoint whose root the tiles do not give, or whose signature fails', async () => {
      const wrongRoot = signCheckpoint(
        { origin: log.origin, size: log.entries.length, rootHash: new Uint8Array(32), extensions: [] },
        [log.signer],
      );
      let r = await check(variant(log, (f) => f.set('checkpoint', utf8Encode(wrongRoot))));
      expect(r.failure).toMatchObject({ path: 'checkpoint', problem: 'wrong_hash' });
      r = await check(
        variant(log, (f) => {
          flip(f, 'checkpoint', 3);
        }),
      );
      expect(r.failure).toMatchObject({ path: 'checkpoint', problem: 'bad_signature' });
      r = await check(variant(log, (f) => f.set('checkpoint', utf8Encode('nonsense\n'))));
      expect(r.failure).toMatchObject({ path: 'checkpoint', problem: 'malformed' });
      r = await check(variant(log, (f) => f.delete('checkpoint')));
      expect(r.failure).toMatchObject({ path: 'checkpoint', problem: 'missing' });
      // A smaller tree than the tiles hold is fine: fsck checks the tree the checkpoint names.
    });

    it('throws for an unknown key or another log (configuration, not corruption)', async () => {
      const other = buildTestSigner('other.example/log', 3).verifier.verifierKey;
      await expect(fsckLog(log.read, { verifierKeys: [other] })).rejects.toMatchObject({
        code: 'ledger.unknown_key',
      });
      await expect(fsckLog(log.read, { verifierKeys: [key], origin: 'x/y' })).rejects.toMatchObject({
        code: 'ledger.origin_mismatch',
      });
    });
  });

  describe('over a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-fsck-'));
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('checks the files fileTileStore writes, and reports truncation and deletion on disk', async () => {
      const log = await buildTileLog(entries(3000), { publishEvery: 1000 });
      writeTileLog(log, dir);
      const read = directoryTileReader(dir);
      const opts = { verifierKeys: [log.signer.verifier.verifierKey], origin: log.origin };
      expect((await fsckLog(read, opts)).ok).toBe(true);
      truncateSync(join(dir, 'tile/0/003'), 100);
      expect((await fsckLog(read, opts)).failure).toMatchObject({ path: 'tile/0/003', problem: 'truncated' });
      unlinkSync(join(dir, 'tile/0/003'));
      expect((await fsckLog(read, opts)).failure).toMatchObject({ path: 'tile/0/003', problem: 'missing' });
      writeFileSync(join(dir, 'tile/0/003'), log.files.get('tile/0/003')!);
      expect((await fsckLog(read, opts)).ok).toBe(true);
    });

    it('reads only canonical tlog-tiles paths', async () => {
      const read = directoryTileReader(dir);
      await expect(read('../etc/passwd')).rejects.toMatchObject({ code: 'ledger.invalid_path' });
      await expect(read('tile/0/../../x')).rejects.toMatchObject({ code: 'ledger.invalid_path' });
      expect(await read('tile/0/999')).toBeUndefined();
    });
  });
});
