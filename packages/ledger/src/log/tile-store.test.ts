import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileTileStore, memoryTileStore } from './tile-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'synthguard-tiles-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('fileTileStore', () => {
  it('writes, reads and removes canonical paths, leaving no temp files', async () => {
    const store = fileTileStore(dir);
    const data = new Uint8Array(64).fill(3);
    for (const path of ['checkpoint', 'tile/0/000.p/2', 'tile/1/x001/x234/067', 'tile/entries/000.p/9']) {
      expect(await store.read(path)).toBeUndefined();
      await store.write(path, data);
      expect(await store.read(path)).toEqual(data);
    }
    await store.write('checkpoint', new Uint8Array([1]));
    expect(await store.read('checkpoint')).toEqual(new Uint8Array([1]));
    expect(readdirSync(join(dir, 'tile/0')).filter((n) => n.startsWith('.'))).toEqual([]);
    await store.remove('tile/0/000.p/2');
    await store.remove('tile/0/000.p/2'); // absent: no error
    expect(await store.read('tile/0/000.p/2')).toBeUndefined();
    expect(existsSync(join(dir, 'tile/1/x001/x234/067'))).toBe(true);
  });

  it('rejects paths outside the tlog-tiles layout', async () => {
    const store = fileTileStore(dir);
    for (const path of [
      '../x',
      '/etc/passwd',
      'tile/0/1',
      'tile/0/000.p/256',
      'tile/entries/../../x',
      'journal/0',
      '',
    ]) {
      await expect(store.read(path)).rejects.toMatchObject({ code: 'ledger.invalid_path' });
      await expect(store.write(path, new Uint8Array(1))).rejects.toMatchObject({
        code: 'ledger.invalid_path',
      });
      await expect(store.remove(path)).rejects.toMatchObject({ code: 'ledger.invalid_path' });
    }
  });

  it.skipIf(process.getuid?.() === 0)(
    'maps other I/O errors to ledger.storage_failed with the errno',
    async () => {
      const store = fileTileStore(dir);
      chmodSync(dir, 0o500);
      try {
        await expect(store.write('tile/0/000', new Uint8Array(32))).rejects.toMatchObject({
          code: 'ledger.storage_failed',
          details: { path: 'tile/0/000', errno: 'EACCES' },
        });
      } finally {
        chmodSync(dir, 0o700);
      }
    },
  );

  it('maps a file where a directory should be to ledger.storage_failed', async () => {
    writeFileSync(join(dir, 'tile'), 'not a directory');
    await expect(fileTileStore(dir).write('tile/0/000', new Uint8Array(32))).rejects.toMatchObject({
      code: 'ledger.storage_failed',
      details: { path: 'tile/0/000', errno: 'ENOTDIR' },
    });
  });
});

describe('memoryTileStore', () => {
  it('copies bytes in and out', async () => {
    const store = memoryTileStore();
    const data = new Uint8Array([1, 2, 3]);
    await store.write('checkpoint', data);
    data[0] = 9;
    const got = await store.read('checkpoint');
    expect(got).toEqual(new Uint8Array([1, 2, 3]));
    got![1] = 9;
    expect(await store.read('checkpoint')).toEqual(new Uint8Array([1, 2, 3]));
    await expect(store.read('nope')).rejects.toMatchObject({ code: 'ledger.invalid_path' });
  });
});
