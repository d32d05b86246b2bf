/**
 * One integration step: grows the tree from `oldSize` by `entries`, computing the stored hashes
 * of the new leaves (merkle.ts, the layout of Go's sumdb/tlog), then every tile and entry bundle
 * that is new or wider (tlog-tiles; full tiles and the partial right edge), and the new root.
 * Nothing is written here: the caller writes the files durably, then publishes the checkpoint.
 */
import { encodeEntryBundle } from '../entry-bundle.js';
import {
  type HashReader,
  leafHash,
  nodeHash,
  storedHashIndex,
  storedTreeHash,
  trailingZeros,
} from '../merkle.js';
import { TILE_WIDTH, type Tile, entriesPath, newTiles, readTileData, tilePath } from '../tiles.js';
import type { TileCache } from './tile-cache.js';

export interface IntegratedBatch {
  readonly size: number;
  readonly root: Uint8Array;
  /** Tiles and entry bundles to write, by tlog-tiles path. */
  readonly files: readonly { readonly path: string; readonly data: Uint8Array; readonly tile?: Tile }[];
  /** The new entry bundles' entries by bundle index (for the cache). */
  readonly bundles: ReadonlyMap<number, Uint8Array[]>;
}

/**
 * Integrates `entries` at indexes oldSize.. into the tree whose published tiles `cache` reads
 * (its tree of `oldSize` leaves). Returns the files to write and the new root.
 */
export async function integrateBatch(
  cache: TileCache,
  oldSize: number,
  entries: readonly Uint8Array[],
): Promise<IntegratedBatch> {
  const newSize = oldSize + entries.length;
  const fresh = new Map<number, Uint8Array>();
  const published = cache.hashReader(oldSize);
  const reader: HashReader = async (indexes) => {
    const out: Uint8Array[] = new Array<Uint8Array>(indexes.length);
    const missing: number[] = [];
    const at: number[] = [];
    indexes.forEach((index, i) => {
      const h = fresh.get(index);
      if (h === undefined) {
        missing.push(index);
        at.push(i);
      } else out[i] = h;
    });
    if (missing.length > 0) {
      const got = await published(missing);
      got.forEach((h, j) => {
        out[at[j]!] = h;
      });
    }
    return out;
  };

  // merkle.ts storedHashesForLeafHash, inlined: leaf n stores its leaf hash, then one node hash
  // per subtree it completes; the left siblings are nearly always in this batch (no await).
  for (let i = 0; i < entries.length; i++) {
    const n = oldSize + i;
    const base = storedHashIndex(0, n);
    let h = leafHash(entries[i]!);
    fresh.set(base, h);
    const completes = trailingZeros(n + 1);
    for (let level = 0; level < completes; level++) {
      const sibling = storedHashIndex(level, Math.floor(n / 2 ** level) - 1);
      const left = fresh.get(sibling) ?? (await published([sibling]))[0]!;
      h = nodeHash(left, h);
      fresh.set(base + level + 1, h);
    }
  }

  const files: { path: string; data: Uint8Array; tile?: Tile }[] = [];
  const bundles = new Map<number, Uint8Array[]>();
  for (const tile of newTiles(oldSize, newSize)) {
    files.push({ path: tilePath(tile), data: await readTileData(tile, reader), tile });
    if (tile.level !== 0) continue;
    // The entry bundle of the same index and width: earlier entries of it come from the
    // published partial bundle.
    const start = tile.index * TILE_WIDTH;
    const prior = start < oldSize ? await cache.bundle(tile.index, oldSize - start) : [];
    const from = Math.max(start, oldSize) - oldSize;
    const bundleEntries = [...prior, ...entries.slice(from, start + tile.width - oldSize)];
    files.push({ path: entriesPath(tile), data: encodeEntryBundle(bundleEntries) });
    bundles.set(tile.index, bundleEntries);
  }
  const root = await storedTreeHash(newSize, reader);
  return { size: newSize, root, files, bundles };
}
