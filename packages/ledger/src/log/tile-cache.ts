/**
 * Reads a log's published tiles and entry bundles through a TileStore, with a small LRU cache,
 * and serves stored hashes (merkle.ts HashReader) for a tree of a given size.
 *
 * In a tree of `size` leaves, level L holds floor(size / 256^L) hashes at tree level 8L: tiles
 * 0..floor(n / 256) - 1 are full, the last one is partial with width n % 256 (tlog-tiles
 * "Partial Tiles"). Tile data only grows (a wider tile starts with the narrower one's bytes), so
 * the cache keeps the widest bytes seen per (level, index) and serves narrower reads from them.
 */
import { LedgerError } from '../errors.js';
import { parseEntryBundle } from '../entry-bundle.js';
import { HASH_SIZE, type HashReader } from '../merkle.js';
import {
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  entriesPath,
  hashFromTile,
  tileForStoredIndex,
  tilePath,
} from '../tiles.js';
import type { TileStore } from './tile-store.js';

/** Width of tile (level, index) in a tree of `size` leaves; 0 when the tree has no such tile. */
export function tileWidthAt(level: number, index: number, size: number): number {
  const n = Math.floor(size / 2 ** (TILE_HEIGHT * level));
  const full = Math.floor(n / TILE_WIDTH);
  if (index < full) return TILE_WIDTH;
  if (index === full) return n % TILE_WIDTH;
  return 0;
}

export function corruptFile(path: string, problem: string, extra: Record<string, unknown> = {}): LedgerError {
  return new LedgerError(
    'ledger.corrupt',
    `A ledger file does not verify (${problem}): run ledger fsck, restore the log directory from a copy.`,
    { details: { path, problem, ...extra } },
  );
}

/** An LRU map: the oldest entry goes when it is over `max`. */
class Lru<V> {
  readonly #map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.#map.delete(key);
    this.#map.set(key, v);
    if (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value!);
  }
}

export class TileCache {
  readonly #tiles: Lru<Uint8Array>;
  readonly #bundles: Lru<Uint8Array[]>;

  constructor(
    private readonly store: TileStore,
    maxTiles = 1024,
  ) {
    this.#tiles = new Lru(maxTiles);
    this.#bundles = new Lru(Math.max(16, maxTiles / 4));
  }

  /** Remembers bytes just written (the integrator's right edge). */
  putTile(tile: Tile, data: Uint8Array): void {
    const key = `${tile.level}/${tile.index}`;
    const had = this.#tiles.get(key);
    if (had === undefined || had.length <= data.length) this.#tiles.set(key, data);
  }

  putBundle(index: number, entries: Uint8Array[]): void {
    const had = this.#bundles.get(String(index));
    if (had === undefined || had.length <= entries.length) this.#bundles.set(String(index), entries);
  }

  /** The bytes of `tile` (exactly width * 32), from the cache or the store (`ledger.corrupt` when missing or mis-sized). */
  async tile(tile: Tile): Promise<Uint8Array> {
    const key = `${tile.level}/${tile.index}`;
    const cached = this.#tiles.get(key);
    const want = tile.width * HASH_SIZE;
    if (cached !== undefined && cached.length >= want) return cached.subarray(0, want);
    const path = tilePath(tile);
    const data = await this.store.read(path);
    if (data === undefined) throw corruptFile(path, 'a published tile is missing');
    if (data.length !== want) {
      throw corruptFile(path, 'a tile has the wrong length', { expected: want, got: data.length });
    }
    this.putTile(tile, data);
    return data;
  }

  /** The entries of bundle `index` of width `width` (`ledger.corrupt` when missing or malformed). */
  async bundle(index: number, width: number): Promise<Uint8Array[]> {
    const cached = this.#bundles.get(String(index));
    if (cached !== undefined && cached.length >= width) return cached.slice(0, width);
    const path = entriesPath({ index, width });
    const data = await this.store.read(path);
    if (data === undefined) throw corruptFile(path, 'a published entry bundle is missing');
    let entries: Uint8Array[];
    try {
      entries = parseEntryBundle(data, { index, width });
    } catch (err) {
      throw corruptFile(path, 'an entry bundle does not parse', {
        cause: (err as LedgerError).details?.problem,
      });
    }
    this.putBundle(index, entries);
    return entries;
  }

  /** Stored hashes of the tree of `size` leaves, read out of its tiles. */
  hashReader(size: number): HashReader {
    return async (indexes) => {
      const out: Uint8Array[] = [];
      for (const index of indexes) {
        const { tile } = tileForStoredIndex(index);
        const width = tileWidthAt(tile.level, tile.index, size);
        if (width < tile.width) {
          throw new LedgerError('ledger.out_of_range', 'The hash is not in the published tree.', {
            details: { index, size },
          });
        }
        const t = { level: tile.level, index: tile.index, width };
        out.push(hashFromTile(t, await this.tile(t), index));
      }
      return out;
    };
  }
}
