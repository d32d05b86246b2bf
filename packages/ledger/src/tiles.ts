/**
 * C2SP tlog-tiles (https://c2sp.org/tlog-tiles, "Merkle Tree" and "Log entries"): tiles of
 * height 8. The n-th tile at level l holds, for i in 0..255,
 *   MTH(D[(n * 256 + i) * 256^l : (n * 256 + i + 1) * 256^l])
 * i.e. stored hashes (8l, n * 256 + i) in the layout of merkle.ts. Full tiles are 256 hashes
 * (8,192 bytes); the rightmost tile of each level may be partial (1..255 hashes, `.p/<W>`).
 *
 * Paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, with L in 0..63 and W in 1..255
 * (decimal, no leading zeroes) and N in zero-padded 3-digit elements, all but the last prefixed
 * with `x` (1234067 -> `x001/x234/067`). Parsers accept only the canonical form.
 */
import { LedgerError } from './errors.js';
import {
  HASH_SIZE,
  MAX_TREE_SIZE,
  type HashReader,
  checkInt,
  nodeHash,
  readHashes,
  splitStoredHashIndex,
  storedHashIndex,
} from './merkle.js';

/** Tile height: each tile spans 8 tree levels. */
export const TILE_HEIGHT = 8;
/** Hashes in a full tile (2^8). */
export const TILE_WIDTH = 256;
/** Highest tile level a path may name (tlog-tiles: 0..63). */
export const MAX_TILE_LEVEL = 63;

/** A tile: `width` consecutive hashes at tree level 8 * level, starting at index * 256. */
export interface Tile {
  /** Tile level L (tree level 8L), 0..63. */
  readonly level: number;
  /** Tile index N within its level. */
  readonly index: number;
  /** Number of hashes, 1..256; 256 is a full tile. */
  readonly width: number;
}

/** An entry bundle: the entries of the level-0 tile with the same index and width. */
export interface EntryBundle {
  readonly index: number;
  readonly width: number;
}

// Longest canonical path: "tile/entries/" + 6 elements of 4 chars + ".p/255" is far below this.
const MAX_PATH_LENGTH = 64;
// A safe integer has at most 16 digits: six 3-digit elements.
const MAX_INDEX_ELEMENTS = 6;
const TILE_PATH = /^tile\/(0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;
const ENTRIES_PATH = /^tile\/entries\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/** tlog-tiles path of a tile, e.g. `tile/0/x001/x234/067.p/8`. */
export function tilePath(tile: Tile): string {
  checkTile(tile);
  return `tile/${tile.level}/${encodeIndex(tile.index)}${widthSuffix(tile.width)}`;
}

/** tlog-tiles path of an entry bundle, e.g. `tile/entries/x001/x234/067`. */
export function entriesPath(bundle: EntryBundle): string {
  checkTile({ level: 0, ...bundle });
  return `tile/entries/${encodeIndex(bundle.index)}${widthSuffix(bundle.width)}`;
}

/** Parses a canonical `tile/<L>/<N>[.p/<W>]` path; throws ledger.invalid_path otherwise. */
export function parseTilePath(path: string): Tile {
  const m = matchPath(path, TILE_PATH);
  const level = Number(m[1]);
  if (level > MAX_TILE_LEVEL) throw badPath('the level is above 63');
  const tile = { level, index: decodeIndex(m[2]!), width: decodeWidth(m[3]) };
  if (tilePath(tile) !== path) throw badPath('the path is not in canonical form');
  return tile;
}

/** Parses a canonical `tile/entries/<N>[.p/<W>]` path; throws ledger.invalid_path otherwise. */
export function parseEntriesPath(path: string): EntryBundle {
  const m = matchPath(path, ENTRIES_PATH);
  const bundle = { index: decodeIndex(m[1]!), width: decodeWidth(m[2]) };
  if (entriesPath(bundle) !== path) throw badPath('the path is not in canonical form');
  return bundle;
}

/**
 * The tiles that must be written when the tree grows from `oldSize` to `newSize` leaves: every
 * tile that is new or wider, full tiles first per level, then the partial one (if any).
 * newTiles(0, size) is the whole set a tree of `size` consists of.
 */
export function newTiles(oldSize: number, newSize: number): Tile[] {
  checkInt(newSize, 'newSize', MAX_TREE_SIZE);
  checkInt(oldSize, 'oldSize', newSize);
  const tiles: Tile[] = [];
  for (let level = 0; Math.floor(newSize / 2 ** (TILE_HEIGHT * level)) > 0; level++) {
    // Hashes at tree level 8 * level before and after.
    const oldN = Math.floor(oldSize / 2 ** (TILE_HEIGHT * level));
    const newN = Math.floor(newSize / 2 ** (TILE_HEIGHT * level));
    if (oldN === newN) continue;
    const lastFull = Math.floor(newN / TILE_WIDTH);
    for (let index = Math.floor(oldN / TILE_WIDTH); index < lastFull; index++) {
      tiles.push({ level, index, width: TILE_WIDTH });
    }
    const width = newN - lastFull * TILE_WIDTH;
    if (width > 0) tiles.push({ level, index: lastFull, width });
  }
  return tiles;
}

/** Every tile of a tree of `size` leaves (tlog-tiles "Partial Tiles": full and partial). */
export function tilesForTreeSize(size: number): Tile[] {
  return newTiles(0, size);
}

/**
 * The narrowest tile holding the stored hash `index` (its own, or one it can be recomputed
 * from: a stored hash at a tree level between tile levels is the hash of a run of tile hashes),
 * with the byte range [start, end) of the tile data that hashes to it.
 */
export function tileForStoredIndex(index: number): { tile: Tile; start: number; end: number } {
  const { level, n } = splitStoredHashIndex(index);
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const within = level - tileLevel * TILE_HEIGHT; // tree levels above the tile's hashes
  const span = 2 ** within; // tile hashes under the stored hash
  const tileIndex = Math.floor((n * span) / TILE_WIDTH);
  const first = n * span - tileIndex * TILE_WIDTH; // first tile hash under the stored hash
  return {
    tile: { level: tileLevel, index: tileIndex, width: first + span },
    start: first * HASH_SIZE,
    end: (first + span) * HASH_SIZE,
  };
}

/**
 * The stored hash `index` read out of `data`, the bytes of `tile`. The tile must be the one
 * tileForStoredIndex names, or a wider version of it. Throws ledger.invalid_tile when the data is
 * not exactly width * 32 bytes or the tile does not hold the hash.
 */
export function hashFromTile(tile: Tile, data: Uint8Array, index: number): Uint8Array {
  checkTileData(tile, data);
  const want = tileForStoredIndex(index);
  if (want.tile.level !== tile.level || want.tile.index !== tile.index || want.tile.width > tile.width) {
    throw new LedgerError('ledger.invalid_tile', 'The tile does not hold the requested hash.', {
      details: { index, level: tile.level, tileIndex: tile.index, width: tile.width },
    });
  }
  return subtreeOfTile(data.subarray(want.start, want.end));
}

/** The hashes of a tile, checked to be exactly width * 32 bytes. */
export function tileHashes(tile: Tile, data: Uint8Array): Uint8Array[] {
  checkTileData(tile, data);
  const out: Uint8Array[] = [];
  for (let i = 0; i < tile.width; i++) out.push(data.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  return out;
}

/** Builds the bytes of `tile` from stored hashes: its `width` hashes, concatenated. */
export async function readTileData(tile: Tile, reader: HashReader): Promise<Uint8Array> {
  checkTile(tile);
  const indexes: number[] = [];
  for (let i = 0; i < tile.width; i++) {
    indexes.push(storedHashIndex(TILE_HEIGHT * tile.level, tile.index * TILE_WIDTH + i));
  }
  const hashes = await readHashes(reader, indexes);
  const data = new Uint8Array(tile.width * HASH_SIZE);
  hashes.forEach((h, i) => {
    data.set(h, i * HASH_SIZE);
  });
  return data;
}

/** Throws ledger.invalid_tile unless the coordinates are possible. */
export function checkTile(tile: Tile): void {
  const ok =
    Number.isSafeInteger(tile.level) &&
    tile.level >= 0 &&
    tile.level <= MAX_TILE_LEVEL &&
    Number.isSafeInteger(tile.index) &&
    tile.index >= 0 &&
    Number.isSafeInteger(tile.width) &&
    tile.width >= 1 &&
    tile.width <= TILE_WIDTH;
  if (!ok) {
    throw new LedgerError(
      'ledger.invalid_tile',
      'Tile coordinates must be a level 0..63, an index >= 0 and a width 1..256.',
    );
  }
}

function checkTileData(tile: Tile, data: Uint8Array): void {
  checkTile(tile);
  if (data.length !== tile.width * HASH_SIZE) {
    throw new LedgerError('ledger.invalid_tile', 'The tile data is not width * 32 bytes long.', {
      details: { expected: tile.width * HASH_SIZE, got: data.length },
    });
  }
}

/** Hash of the complete subtree whose leaves are the 2^k hashes in `data`. */
function subtreeOfTile(data: Uint8Array): Uint8Array {
  if (data.length === HASH_SIZE) return data.slice();
  const mid = data.length / 2;
  return nodeHash(subtreeOfTile(data.subarray(0, mid)), subtreeOfTile(data.subarray(mid)));
}

function encodeIndex(index: number): string {
  let rest = index;
  let out = String(rest % 1000).padStart(3, '0');
  while (rest >= 1000) {
    rest = Math.floor(rest / 1000);
    out = `x${String(rest % 1000).padStart(3, '0')}/${out}`;
  }
  return out;
}

function decodeIndex(text: string): number {
  const parts = text.split('/');
  if (parts.length > MAX_INDEX_ELEMENTS) throw badPath('the index has too many elements');
  let index = 0;
  for (const part of parts) index = index * 1000 + Number(part.replace('x', ''));
  if (!Number.isSafeInteger(index)) throw badPath('the index is too large');
  return index;
}

function decodeWidth(text: string | undefined): number {
  if (text === undefined) return TILE_WIDTH;
  const width = Number(text);
  if (width >= TILE_WIDTH) throw badPath('a partial width must be 1..255');
  return width;
}

function widthSuffix(width: number): string {
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

function matchPath(path: string, pattern: RegExp): RegExpExecArray {
  if (typeof path !== 'string' || path.length > MAX_PATH_LENGTH) throw badPath('the path is too long');
  const m = pattern.exec(path);
  if (m === null) throw badPath('the path does not match the tlog-tiles layout');
  return m;
}

function badPath(problem: string): LedgerError {
  return new LedgerError(
    'ledger.invalid_path',
    `Not a canonical tlog-tiles path: ${problem}. Use tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>].`,
    { details: { problem } },
  );
}
