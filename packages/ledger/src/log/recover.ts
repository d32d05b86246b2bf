/**
 * Opening a log directory: the published checkpoint is verified with the log's own key, its
 * root recomputed from the tiles and the right-edge entry bundle checked against its tile, before
 * anything is served or appended. The log never serves a checkpoint it cannot prove.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesEqual, isAppError, utf8Decode, utf8Encode } from '@synthguard/core';
import { openCheckpoint, signCheckpoint } from '../checkpoint.js';
import { checkBundleAgainstTile } from '../entry-bundle.js';
import { LedgerError } from '../errors.js';
import { emptyTreeHash, storedTreeHash } from '../merkle.js';
import type { NoteSigner, NoteVerifier } from '../note-keys.js';
import { TILE_WIDTH, entriesPath } from '../tiles.js';
import { type TileCache, corruptFile, tileWidthAt } from './tile-cache.js';
import { CHECKPOINT_PATH, type TileStore } from './tile-store.js';

export interface PublishedCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  readonly note: string;
}

/** Signs the checkpoint of (size, root) for `origin`. */
export function signLogCheckpoint(
  origin: string,
  signer: NoteSigner,
  size: number,
  root: Uint8Array,
): PublishedCheckpoint {
  const note = signCheckpoint({ origin, size, rootHash: root, extensions: [] }, [signer]);
  return { size, root, note };
}

/**
 * Reads and proves the published checkpoint. A missing checkpoint is a new log: the size-0
 * checkpoint is signed and written. Throws `ledger.unknown_key` (signed by another key),
 * `ledger.origin_mismatch` (another log's checkpoint), `ledger.corrupt` (bad signature, malformed,
 * or tiles that do not reproduce the root), each with `details.path`.
 */
/**
 * Opens the log's own checkpoint with its key, as recovery and a PostgreSQL follower must: another
 * key is `ledger.unknown_key`, another origin `ledger.origin_mismatch` (both name the file), and
 * anything else (bad signature, malformed note) `ledger.corrupt`.
 */
export function openLogCheckpoint(
  raw: Uint8Array | string,
  origin: string,
  verifier: NoteVerifier,
): { readonly size: number; readonly root: Uint8Array } {
  try {
    const opened = openCheckpoint(raw, origin, [verifier]);
    return { size: opened.checkpoint.size, root: opened.checkpoint.rootHash };
  } catch (err) {
    if (isAppError(err, 'ledger.unknown_key')) {
      throw new LedgerError(
        'ledger.unknown_key',
        "The log's checkpoint is not signed by this log's key: configure the key the log was created with.",
        { cause: err, details: { path: CHECKPOINT_PATH, ...err.details } },
      );
    }
    if (isAppError(err, 'ledger.origin_mismatch')) {
      throw new LedgerError(
        'ledger.origin_mismatch',
        "The log's checkpoint is for another origin: configure the origin the log was created with.",
        { cause: err, details: { path: CHECKPOINT_PATH, expected: origin } },
      );
    }
    throw corruptFile(CHECKPOINT_PATH, 'the checkpoint does not verify', {
      reason: isAppError(err) ? err.code : 'unknown',
    });
  }
}

export async function loadCheckpoint(
  store: TileStore,
  cache: TileCache,
  origin: string,
  signer: NoteSigner,
  minimumIndex = 0,
): Promise<PublishedCheckpoint> {
  const raw = await store.read(CHECKPOINT_PATH);
  if (raw === undefined) {
    const cp = signLogCheckpoint(origin, signer, 0, emptyTreeHash());
    await store.write(CHECKPOINT_PATH, utf8Encode(cp.note));
    return cp;
  }
  const { size, root } = openLogCheckpoint(raw, origin, signer.verifier);
  if (minimumIndex > size) {
    throw corruptFile(CHECKPOINT_PATH, 'the prune mark is beyond the checkpoint', { size, minimumIndex });
  }
  await proveTiles(cache, size, root, minimumIndex);
  return { size, root, note: utf8Decode(raw) };
}

/**
 * Recomputes the root of `size` from the tiles and checks the right-edge entry bundle (unless it
 * was pruned: wholly below `minimumIndex`).
 */
export async function proveTiles(
  cache: TileCache,
  size: number,
  root: Uint8Array,
  minimumIndex = 0,
): Promise<void> {
  if (size === 0) return;
  const computed = await storedTreeHash(size, cache.hashReader(size));
  if (!bytesEqual(computed, root)) {
    throw corruptFile(CHECKPOINT_PATH, 'the tiles do not reproduce the checkpoint root', { size });
  }
  const index = Math.floor((size - 1) / TILE_WIDTH);
  const width = tileWidthAt(0, index, size);
  if (index * TILE_WIDTH + width <= minimumIndex) return;
  const entries = await cache.bundle(index, width);
  const tile = await cache.tile({ level: 0, index, width });
  try {
    checkBundleAgainstTile(entries, tile);
  } catch {
    throw corruptFile(entriesPath({ index, width }), 'the last entry bundle does not match its tile', {
      index,
      width,
    });
  }
}

/** File holding the clock (ms since epoch) at the last checkpoint publication: a hint, not fsynced. */
export const PUBLISHED_AT_FILE = 'published-at';

export async function readPublishedAt(dir: string): Promise<number> {
  try {
    const v = Number((await readFile(join(dir, PUBLISHED_AT_FILE), 'utf8')).trim());
    return Number.isSafeInteger(v) && v > 0 ? v : 0;
  } catch {
    return 0;
  }
}

export async function writePublishedAt(dir: string, ms: number): Promise<void> {
  const file = join(dir, PUBLISHED_AT_FILE);
  await writeFile(`${file}.tmp`, `${Math.floor(ms)}\n`);
  await rename(`${file}.tmp`, file);
}
