/**
 * Test helper: checks a log directory from its files alone (what a verifier without the log's
 * process sees). The checkpoint must verify with the log's key; every entry bundle in the tree
 * must hash to its level-0 tile; every tile above level 0 must hold the subtree hashes of the
 * tiles below it; every partial tile and bundle still on disk must be a prefix of the current
 * one; and the root recomputed from the tiles must equal the checkpoint's root.
 */
import type { Dirent } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { bytesEqual } from '@synthguard/core';
import { openCheckpoint } from '../../checkpoint.js';
import { checkBundleAgainstTile, parseEntryBundle } from '../../entry-bundle.js';
import { HASH_SIZE, storedTreeHash, treeHash } from '../../merkle.js';
import type { NoteVerifier } from '../../note-keys.js';
import { TILE_HEIGHT, TILE_WIDTH, parseEntriesPath, parseTilePath, tileHashes } from '../../tiles.js';
import { TileCache, tileWidthAt } from '../tile-cache.js';
import { fileTileStore } from '../tile-store.js';

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  let names: Dirent[];
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const d of names) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

export interface VerifiedLog {
  readonly size: number;
  readonly root: Uint8Array;
  /** Entries [fromSize, size). */
  readonly entries: Uint8Array[];
}

/**
 * Verifies the log in `dir` as described above. Tiles and bundles wholly below `fromSize` were
 * checked by an earlier call and are skipped (their hashes still feed the root).
 */
export async function verifyLogDir(
  dir: string,
  origin: string,
  verifier: NoteVerifier,
  fromSize = 0,
): Promise<VerifiedLog> {
  const store = fileTileStore(dir);
  const raw = await readFile(join(dir, 'checkpoint'));
  const { checkpoint } = openCheckpoint(raw, origin, [verifier]);
  const size = checkpoint.size;
  const cache = new TileCache(store, 4096);
  const reader = cache.hashReader(size);
  if (!bytesEqual(await storedTreeHash(size, reader), checkpoint.rootHash)) {
    throw new Error('verifyLogDir: the tiles do not reproduce the checkpoint root');
  }
  const entries: Uint8Array[] = [];
  // Level 0: bundles against tiles.
  const firstBundle = Math.floor(fromSize / TILE_WIDTH);
  for (let b = firstBundle; b * TILE_WIDTH < size; b++) {
    const width = tileWidthAt(0, b, size);
    const bundle = await cache.bundle(b, width);
    checkBundleAgainstTile(bundle, await cache.tile({ level: 0, index: b, width }));
    for (let i = 0; i < bundle.length; i++) if (b * TILE_WIDTH + i >= fromSize) entries.push(bundle[i]!);
  }
  // Higher levels: each hash of tile (L, N) is the subtree of 256 hashes of level L - 1.
  for (let level = 1; Math.floor(size / 2 ** (TILE_HEIGHT * level)) > 0; level++) {
    const span = 2 ** (TILE_HEIGHT * level);
    const first = Math.floor(fromSize / span / TILE_WIDTH);
    for (let n = first; tileWidthAt(level, n, size) > 0; n++) {
      const width = tileWidthAt(level, n, size);
      const data = await cache.tile({ level, index: n, width });
      for (let i = 0; i < width; i++) {
        const below = n * TILE_WIDTH + i; // tile index at level - 1 that this hash covers
        const belowTile = { level: level - 1, index: below, width: TILE_WIDTH };
        // 256 hashes of a full tile: a perfect subtree, so MTH over them (as leaf hashes).
        const want = treeHash(tileHashes(belowTile, await cache.tile(belowTile)));
        if (!bytesEqual(want, data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE))) {
          throw new Error(`verifyLogDir: tile ${level}/${n} hash ${i} does not match the tiles below`);
        }
      }
    }
  }
  // Older partial tiles and bundles left on disk must be prefixes of the current ones.
  for (const file of await walk(join(dir, 'tile'))) {
    const path = relative(dir, file);
    if (path.split('/').some((p) => p.startsWith('.'))) continue; // temp files of a crashed write
    const data = await readFile(file);
    if (path.startsWith('tile/entries/')) {
      const b = parseEntriesPath(path);
      const width = tileWidthAt(0, b.index, size);
      if (b.index * TILE_WIDTH + b.width <= fromSize || b.width > width) continue; // beyond: unpublished
      const current = await cache.bundle(b.index, width);
      const got = parseEntryBundle(data, b);
      got.forEach((e, i) => {
        if (!bytesEqual(e, current[i]!))
          throw new Error(`verifyLogDir: ${path} is not a prefix of the bundle`);
      });
    } else {
      const t = parseTilePath(path);
      const width = tileWidthAt(t.level, t.index, size);
      const span = 2 ** (TILE_HEIGHT * t.level);
      if (t.width > width || (t.index * TILE_WIDTH + t.width) * span <= fromSize) continue;
      const current = await cache.tile({ level: t.level, index: t.index, width });
      if (!bytesEqual(data, current.subarray(0, data.length)) || data.length !== t.width * HASH_SIZE) {
        throw new Error(`verifyLogDir: ${path} is not a prefix of the current tile`);
      }
    }
  }
  return { size, root: checkpoint.rootHash, entries };
}
