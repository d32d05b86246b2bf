/**
 * Read access to a published log in the C2SP tlog-tiles layout (https://c2sp.org/tlog-tiles):
 * `checkpoint`, `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, from a directory on disk
 * or a base URL. Everything read is untrusted: callers verify it (fsck, proofs) before use.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_ENTRY_SIZE, parseEntryBundle } from '../entry-bundle.js';
import { LedgerError } from '../errors.js';
import { readBodyCapped } from '../http-body.js';
import { HASH_SIZE, type HashReader } from '../merkle.js';
import { MAX_NOTE_BYTES } from '../note.js';
import {
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  entriesPath,
  hashFromTile,
  parseEntriesPath,
  parseTilePath,
  tileForStoredIndex,
  tilePath,
} from '../tiles.js';

/** The bytes at a tlog-tiles path, or undefined when the log has no such file. */
export type TileReader = (path: string) => Promise<Uint8Array | undefined>;

/** Largest file a reader returns: a full entry bundle of 256 entries of 65,535 bytes (+ prefixes). */
export const MAX_TILE_FILE = TILE_WIDTH * (2 + MAX_ENTRY_SIZE);

/** Throws ledger.invalid_path unless `path` is `checkpoint` or a canonical tile or bundle path. */
export function checkLogPath(path: string): void {
  if (path === 'checkpoint') return;
  if (typeof path === 'string' && path.startsWith('tile/entries/')) parseEntriesPath(path);
  else parseTilePath(path);
}

function readFailed(path: string, problem: string, cause?: unknown): LedgerError {
  return new LedgerError('ledger.read_failed', `Cannot read ${path} of the log: ${problem}.`, {
    ...(cause === undefined ? {} : { cause }),
    details: { path, problem },
  });
}

/** The largest file `path` may be: a note, an entry bundle, or a hash tile (256 hashes). */
function maxSize(path: string): number {
  if (path === 'checkpoint') return MAX_NOTE_BYTES;
  return path.startsWith('tile/entries/') ? MAX_TILE_FILE : TILE_WIDTH * HASH_SIZE;
}

function checkSize(path: string, length: number): void {
  const max = maxSize(path);
  if (length > max) throw readFailed(path, `the file is larger than ${max} bytes`);
}

/**
 * A TileReader over a log directory (the layout `fileTileStore` writes). Only canonical paths
 * are read (no `..`, no other files); a missing file is undefined, other I/O errors throw
 * ledger.read_failed.
 */
export function directoryTileReader(dir: string): TileReader {
  return async (path) => {
    checkLogPath(path);
    let data: Buffer;
    try {
      data = await readFile(join(dir, ...path.split('/')));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw readFailed(path, code ?? 'I/O error', err);
    }
    checkSize(path, data.length);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  };
}

/** Options of httpTileReader. */
export interface HttpTileReaderOptions {
  /** The fetch to use (default: the global fetch). The caller decides to touch the network. */
  readonly fetch?: typeof fetch;
  /** Per-request timeout in ms (default 30,000). */
  readonly timeoutMs?: number;
  /** Extra request headers, e.g. `authorization` for a log that is not public. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A TileReader over HTTP: GET `<base>/<path>` (tlog-tiles: `<prefix>/checkpoint`,
 * `<prefix>/tile/...`). 404 and 410 are undefined; any other non-2xx status, or a body over the
 * cap, throws ledger.read_failed.
 */
export function httpTileReader(baseUrl: string, options: HttpTileReaderOptions = {}): TileReader {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async (path) => {
    checkLogPath(path);
    let res: Response;
    try {
      res = await doFetch(new URL(path, base), {
        signal: AbortSignal.timeout(timeoutMs),
        ...(options.headers === undefined ? {} : { headers: options.headers }),
      });
    } catch (err) {
      throw readFailed(path, 'the server did not answer', err);
    }
    if (res.status === 404 || res.status === 410) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw readFailed(path, `HTTP status ${res.status}`);
    }
    const length = Number(res.headers.get('content-length') ?? '0');
    if (Number.isFinite(length)) checkSize(path, length);
    let data: Uint8Array | undefined;
    try {
      data = await readBodyCapped(res, maxSize(path));
    } catch (err) {
      throw readFailed(path, 'the answer was cut short', err);
    }
    if (data === undefined) throw readFailed(path, `the file is larger than ${maxSize(path)} bytes`);
    return data;
  };
}

/**
 * The narrowest published tile of a tree of `size` leaves that holds `tile`'s hashes: the full
 * tile when the tree has it, else the partial tile of the tree's width at that level.
 */
export function publishedTile(level: number, index: number, size: number): Tile {
  const hashes = Math.floor(size / 2 ** (TILE_HEIGHT * level));
  const width = Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH);
  if (width < 1) {
    throw new LedgerError('ledger.out_of_range', 'The tree has no such tile.', {
      details: { level, index, size },
    });
  }
  return { level, index, width };
}

/**
 * A HashReader (merkle.ts) over the published tiles of the tree of `size` leaves, as read by
 * `read`. Tiles are cached for the reader's lifetime (proofs for many leaves share the upper
 * tiles). A missing tile or a tile of the wrong length throws ledger.read_failed; the hashes are
 * NOT checked here: whoever uses them verifies the result against a signed root.
 */
export function tileHashReader(
  read: TileReader,
  size: number,
  cache = new Map<string, Uint8Array>(),
): HashReader {
  return async (indexes) => {
    const out: Uint8Array[] = [];
    for (const index of indexes) {
      const { tile: needed } = tileForStoredIndex(index);
      const tile = publishedTile(needed.level, needed.index, size);
      if (tile.width < needed.width) throw readFailed(tilePath(needed), 'the hash is not in the tree');
      const path = tilePath(tile);
      let data = cache.get(path);
      if (data === undefined) {
        data = await read(path);
        if (data === undefined) throw readFailed(path, 'the tile is missing');
        cache.set(path, data);
      }
      try {
        out.push(hashFromTile(tile, data, index));
      } catch (err) {
        throw readFailed(path, 'the tile has the wrong length', err);
      }
    }
    return out;
  };
}

/**
 * The entry at `index` of a tree of `size` leaves, from its entry bundle. NOT verified: check it
 * with an inclusion proof (its leaf hash) before trusting it.
 */
export async function readEntry(read: TileReader, index: number, size: number): Promise<Uint8Array> {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new LedgerError('ledger.out_of_range', 'The leaf index is not below the tree size.', {
      details: { index, size },
    });
  }
  const bundle = publishedTile(0, Math.floor(index / TILE_WIDTH), size);
  const path = entriesPath(bundle);
  const data = await read(path);
  if (data === undefined) throw readFailed(path, 'the entry bundle is missing');
  const entries = parseEntryBundle(data, bundle);
  return entries[index % TILE_WIDTH]!.slice();
}
