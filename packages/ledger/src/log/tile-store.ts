/**
 * Storage of a log in the C2SP tlog-tiles layout (https://c2sp.org/tlog-tiles): `checkpoint`,
 * `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, the same paths as the HTTP API.
 *
 * fileTileStore keeps them as files under one directory. Writes are atomic and durable (temp
 * file in the same directory, fsync, rename, fsync the directory), so a reader sees the old
 * bytes or the new ones, never a torn file, and a write that resolved survives a crash.
 */
import { readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LedgerError } from '../errors.js';
import { parseEntriesPath, parseTilePath } from '../tiles.js';
import { DurableDirs, errnoOf, storageError, writeFileDurable } from './durable-fs.js';

/** Storage in the C2SP tlog-tiles layout; `path` is a tlog-tiles path ("checkpoint", "tile/0/000.p/5", "tile/entries/000"). */
export interface TileStore {
  /** The bytes at `path`; undefined when absent. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Atomic and durable: temp file, fsync, rename, fsync dir. */
  write(path: string, data: Uint8Array): Promise<void>;
  /** Removes `path` (no error when absent). */
  remove(path: string): Promise<void>;
}

/** The path of a log's signed checkpoint (tlog-tiles "Checkpoint"). */
export const CHECKPOINT_PATH = 'checkpoint';

/**
 * Throws `ledger.invalid_path` unless `path` is `checkpoint` or a canonical tile or entry-bundle
 * path (so no path can name a file outside the layout: no `..`, no absolute paths).
 */
export function checkStorePath(path: string): void {
  if (path === CHECKPOINT_PATH) return;
  if (typeof path === 'string' && path.startsWith('tile/entries/')) parseEntriesPath(path);
  else parseTilePath(path);
}

/**
 * A TileStore on local disk under `dir` (created on first write). Rejects paths that are not
 * canonical tile/entries/checkpoint paths with `ledger.invalid_path`; I/O errors become
 * `ledger.storage_full` (ENOSPC, EDQUOT) or `ledger.storage_failed` (details: path, errno).
 */
export function fileTileStore(dir: string): TileStore {
  const root = resolve(dir);
  const dirs = new DurableDirs();
  return {
    async read(path) {
      checkStorePath(path);
      try {
        return new Uint8Array(await readFile(join(root, path)));
      } catch (err) {
        const errno = errnoOf(err);
        if (errno === 'ENOENT' || errno === 'ENOTDIR') return undefined;
        throw storageError(err, path, 'read');
      }
    },
    async write(path, data) {
      checkStorePath(path);
      if (!(data instanceof Uint8Array)) {
        throw new LedgerError('ledger.invalid_argument', 'Tile store data must be a Uint8Array.', {
          details: { field: 'data' },
        });
      }
      try {
        await writeFileDurable(dirs, join(root, path), data);
      } catch (err) {
        throw storageError(err, path, 'write');
      }
    },
    async remove(path) {
      checkStorePath(path);
      try {
        await unlink(join(root, path));
      } catch (err) {
        const errno = errnoOf(err);
        if (errno === 'ENOENT' || errno === 'ENOTDIR') return;
        throw storageError(err, path, 'remove');
      }
    },
  };
}

/** A TileStore in memory (tests, and a log that needs no disk). Copies bytes in and out. */
export function memoryTileStore(): TileStore & { readonly files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  // async: a bad path rejects like the file store's, never throws synchronously.
  return {
    files,
    // eslint-disable-next-line @typescript-eslint/require-await
    async read(path) {
      checkStorePath(path);
      return files.get(path)?.slice();
    },
    // eslint-disable-next-line @typescript-eslint/require-await
    async write(path, data) {
      checkStorePath(path);
      files.set(path, data.slice());
    },
    // eslint-disable-next-line @typescript-eslint/require-await
    async remove(path) {
      checkStorePath(path);
      files.delete(path);
    },
  };
}
