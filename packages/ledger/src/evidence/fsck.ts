/**
 * fsck: checks a whole published log from its files (C2SP tlog-tiles layout) against its signed
 * checkpoint, and reports the first bad file.
 *
 * For a checkpoint of N leaves it reads every entry bundle and every hash tile of the tree of N
 * leaves, left to right: each level-0 tile against the RFC 6962 leaf hashes of its entry bundle,
 * each tile of level L >= 1 against the subtree hashes of the full tiles of level L - 1 below it
 * (tlog-tiles: hash i of tile (L, n) is the root of tile (L - 1, 256n + i)), and finally the
 * root, rebuilt from the rightmost tile of each level (RFC 6962 §2.1), against the checkpoint.
 *
 * Streaming: only a window of level-0 tiles in flight and one tile per higher level are held,
 * so memory stays bounded whatever N (tens of KiB of state plus the read window). Files beyond
 * N (stale partial tiles, a later tree) are not looked at: a TileReader cannot list.
 *
 * Pruned logs and archives (C2SP tlog-tiles "Pruning"): with `prunedBelow` (the log's minimum
 * index) entry bundles wholly below it may be absent; with `entriesBelow` (an archive of the
 * first entries) bundles not wholly below it may be absent. Hash tiles are always required: an
 * absent bundle's level-0 tile is still checked against the level above and the root, and a
 * bundle that is present is checked as usual.
 */
import { hash } from 'node:crypto';
import { type Checkpoint, openCheckpoint, parseCheckpoint } from '../checkpoint.js';
import { parseEntryBundle } from '../entry-bundle.js';
import { LedgerError } from '../errors.js';
import { HASH_SIZE, storedTreeHash } from '../merkle.js';
import { type NoteVerifier, parseVerifierKey } from '../note-keys.js';
import { openNote } from '../note.js';
import { TILE_HEIGHT, TILE_WIDTH, type Tile, entriesPath, tilePath } from '../tiles.js';
import { type TileReader, publishedTile, tileHashReader } from './tile-reader.js';

/** Why a file is bad. */
export type FsckProblem =
  | 'missing' //          the file is absent
  | 'unreadable' //       the reader failed (I/O error, HTTP status)
  | 'truncated' //        shorter than the tree needs (a tile) or cut inside an entry (a bundle)
  | 'oversized' //        a tile longer than its width, a bundle with more entries than its tile
  | 'malformed' //        not parseable (a bundle's framing, the checkpoint's note or body)
  | 'bad_signature' //    the checkpoint's signature by the log key does not verify
  | 'wrong_hash'; //      the bytes do not hash to what the level below or the checkpoint commits to

/** The first bad file fsck met. */
export interface FsckFailure {
  /** tlog-tiles path: `checkpoint`, `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`. */
  readonly path: string;
  readonly problem: FsckProblem;
  /** What is wrong, for a person (no raw file content). */
  readonly message: string;
}

export interface FsckReport {
  readonly ok: boolean;
  /** The checkpoint's origin, size and root (undefined when the checkpoint itself is bad). */
  readonly origin?: string;
  readonly size?: number;
  readonly root?: Uint8Array;
  /** Hash tiles and entry bundles checked (including the bad one, if any). */
  readonly done: number;
  /** Hash tiles plus entry bundles of the tree. */
  readonly total: number;
  /** Entries whose leaf hash was checked. */
  readonly entries: number;
  /** Entry bundles allowed to be absent (pruned, or beyond an archive) that were absent. */
  readonly bundlesAbsent: number;
  /** Bytes read (tiles, bundles and the checkpoint). */
  readonly bytes: number;
  readonly failure?: FsckFailure;
}

export interface FsckOptions {
  /** The log's verifier keys (`<name>+<hex>+<base64>` or parsed). */
  readonly verifierKeys: readonly (string | NoteVerifier)[];
  /** The log's checkpoint origin; when given, a checkpoint of another log is refused. */
  readonly origin?: string;
  /** Called as files are checked: done and total count hash tiles plus entry bundles. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Level-0 tile/bundle pairs read ahead (default 32). */
  readonly readAhead?: number;
  /**
   * The minimum index of a pruned log (tlog-tiles "Pruning"; the log's prune mark): entry
   * bundles whose end index is at or below it may be absent, or answer `ledger.pruned`.
   */
  readonly prunedBelow?: number;
  /**
   * Only entry bundles whose end index is at or below this are required (an archive holding the
   * log's first `entriesBelow` entries and every hash tile); later bundles may be absent.
   */
  readonly entriesBelow?: number;
}

/** A TileReader that throws Bad for a missing file. */
type FileReader = (path: string) => Promise<Uint8Array>;

/** Thrown inside the walk to stop at the first bad file (never escapes fsckLog). */
class Bad extends Error {
  constructor(readonly failure: FsckFailure) {
    super(failure.message);
  }
}

function bad(path: string, problem: FsckProblem, message: string): Bad {
  return new Bad({ path, problem, message });
}

/** Hashes of tree level 8L of a tree of `size` leaves. */
function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / 2 ** (TILE_HEIGHT * level));
}

/** Number of hash tiles plus entry bundles of a tree of `size` leaves. */
export function fsckTotal(size: number): number {
  let total = 0;
  for (let level = 0; hashesAtLevel(size, level) > 0; level++) {
    const tiles = Math.ceil(hashesAtLevel(size, level) / TILE_WIDTH);
    total += level === 0 ? 2 * tiles : tiles;
  }
  return total;
}

// RFC 6962 §2.1 hashes with one-shot crypto.hash (node >= 20.12) on reused scratch buffers.
const leafScratch = Buffer.alloc(1 + 0xffff);
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;

function fastLeafHash(entry: Uint8Array): Buffer {
  leafScratch[0] = 0x00;
  leafScratch.set(entry, 1);
  return hash('sha256', leafScratch.subarray(0, 1 + entry.length), 'buffer');
}

/** Root of the complete subtree over the 2^k hashes in `hashes` (length 2^k * 32), in place. */
function subtreeRoot(hashes: Buffer): Buffer {
  let n = hashes.length / HASH_SIZE;
  while (n > 1) {
    for (let i = 0; i < n / 2; i++) {
      hashes.copy(nodeScratch, 1, 2 * i * HASH_SIZE, (2 * i + 2) * HASH_SIZE);
      hash('sha256', nodeScratch, 'buffer').copy(hashes, i * HASH_SIZE);
    }
    n /= 2;
  }
  return hashes.subarray(0, HASH_SIZE);
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function sameHash(a: Buffer, aAt: number, b: Buffer, bAt: number): boolean {
  return a.compare(b, bAt, bAt + HASH_SIZE, aAt, aAt + HASH_SIZE) === 0;
}

/**
 * Checks the whole log `read` serves against its signed checkpoint. Returns a report; the walk
 * stops at the first bad file (`failure`). Throws only for what is not the log's fault: no key
 * (`ledger.unknown_key`: the checkpoint is not signed by a given key), a checkpoint of another
 * log (`ledger.origin_mismatch`), a malformed key (`ledger.invalid_key`).
 */
export async function fsckLog(read: TileReader, options: FsckOptions): Promise<FsckReport> {
  const known = options.verifierKeys.map((k) => (typeof k === 'string' ? parseVerifierKey(k) : k));
  if (known.length === 0) {
    throw new LedgerError('ledger.unknown_key', 'No log verifier key given: pass the log key.', {
      details: { signatures: 0 },
    });
  }
  const prunedBelow = optionalIndex(options.prunedBelow, 'prunedBelow');
  const entriesBelow = optionalIndex(options.entriesBelow, 'entriesBelow');
  let bytes = 0;
  let done = 0;
  let total = 0;
  let entries = 0;
  let bundlesAbsent = 0;
  const maybe: OptionalReader = async (path) => {
    let data: Uint8Array | undefined;
    try {
      data = await read(path);
    } catch (err) {
      if (err instanceof LedgerError && err.code === 'ledger.read_failed') {
        throw bad(path, 'unreadable', `${path} cannot be read: ${err.message}`);
      }
      if (err instanceof LedgerError && err.code === 'ledger.pruned') return undefined;
      throw err;
    }
    if (data !== undefined) bytes += data.length;
    return data;
  };
  const tracked: FileReader = async (path) => {
    const data = await maybe(path);
    if (data === undefined) throw bad(path, 'missing', `${path} is missing.`);
    return data;
  };
  // A bundle may be absent when it lies wholly below the minimum index, or not wholly below an
  // archive's end.
  const optional = (tile: Tile): boolean => {
    const end = tile.index * TILE_WIDTH + tile.width;
    return end <= prunedBelow || (options.entriesBelow !== undefined && end > entriesBelow);
  };

  let checkpoint: Checkpoint | undefined;
  try {
    checkpoint = openLogCheckpoint(await tracked('checkpoint'), known, options.origin);
    total = fsckTotal(checkpoint.size);
    options.onProgress?.(0, total);
    await walk(checkpoint, { tracked, maybe, optional }, options.readAhead ?? 32, {
      tile() {
        done++;
        options.onProgress?.(done, total);
      },
      entries(n) {
        entries += n;
      },
      absent() {
        bundlesAbsent++;
      },
    });
  } catch (err) {
    if (!(err instanceof Bad)) throw err;
    if (err.failure.path !== 'checkpoint') done++;
    return {
      ok: false,
      ...(checkpoint === undefined
        ? {}
        : { origin: checkpoint.origin, size: checkpoint.size, root: checkpoint.rootHash }),
      done,
      total,
      entries,
      bundlesAbsent,
      bytes,
      failure: err.failure,
    };
  }
  return {
    ok: true,
    origin: checkpoint.origin,
    size: checkpoint.size,
    root: checkpoint.rootHash,
    done,
    total,
    entries,
    bundlesAbsent,
    bytes,
  };
}

function optionalIndex(value: number | undefined, field: string): number {
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new LedgerError('ledger.invalid_argument', `${field} must be a non-negative safe integer.`, {
      details: { field },
    });
  }
  return value;
}

/** The LedgerError (`ledger.corrupt`) for a failed report, naming the first bad file. */
export function fsckError(report: FsckReport): LedgerError | undefined {
  const f = report.failure;
  if (f === undefined) return undefined;
  return new LedgerError('ledger.corrupt', `The log does not verify: ${f.message}`, {
    details: { path: f.path, problem: f.problem },
  });
}

function openLogCheckpoint(data: Uint8Array, known: NoteVerifier[], origin: string | undefined): Checkpoint {
  try {
    if (origin !== undefined) return openCheckpoint(data, origin, known).checkpoint;
    return parseCheckpoint(openNote(data, known).text);
  } catch (err) {
    if (!(err instanceof LedgerError)) throw err;
    if (err.code === 'ledger.invalid_signature') {
      throw bad('checkpoint', 'bad_signature', 'The checkpoint signature by the log key does not verify.');
    }
    if (err.code === 'ledger.malformed_note' || err.code === 'ledger.malformed_checkpoint') {
      throw bad('checkpoint', 'malformed', `The checkpoint is malformed: ${err.message}`);
    }
    throw err; // unknown key, other origin: the caller's configuration
  }
}

interface WalkEvents {
  tile(): void;
  entries(n: number): void;
  /** An optional entry bundle was absent. */
  absent(): void;
}

/** A TileReader that returns undefined for a missing file (other failures as FileReader). */
type OptionalReader = (path: string) => Promise<Uint8Array | undefined>;

interface WalkReaders {
  readonly tracked: FileReader;
  readonly maybe: OptionalReader;
  /** True when the entry bundle of this level-0 tile may be absent. */
  readonly optional: (tile: Tile) => boolean;
}

/** The walk: level-0 tiles and bundles in order (read ahead), higher tiles as they complete. */
async function walk(cp: Checkpoint, readers: WalkReaders, readAhead: number, on: WalkEvents): Promise<void> {
  const size = cp.size;
  const read = readers.tracked;
  const upper = new UpperLevels(size, read, on);
  const level0 = Math.ceil(size / TILE_WIDTH);
  const load = (n: number): Promise<[Uint8Array, Uint8Array | undefined]> => {
    const tile = publishedTile(0, n, size);
    const bundle = readers.optional(tile) ? readers.maybe : read;
    return Promise.all([read(tilePath(tile)), bundle(entriesPath(tile))]);
  };
  const window: Promise<[Uint8Array, Uint8Array | undefined]>[] = [];
  const ahead = (n: number): void => {
    const p = load(n);
    p.catch(() => undefined); // handled when its turn comes; no unhandled rejection meanwhile
    window.push(p);
  };
  for (let n = 0; n < Math.min(readAhead, level0); n++) ahead(n);
  try {
    for (let n = 0; n < level0; n++) {
      const [tileData, bundleData] = await window.shift()!;
      if (n + readAhead < level0) ahead(n + readAhead);
      const tile = publishedTile(0, n, size);
      if (bundleData === undefined) {
        // A pruned (or not archived) bundle: the tile alone, checked by the level above / the root.
        checkTileLength(tilePath(tile), tile, tileData);
        on.tile();
        on.absent();
        on.tile();
        if (tile.width === TILE_WIDTH) {
          await upper.push(1, n, subtreeRoot(Buffer.from(tileData)), tilePath(tile));
        } else {
          upper.rightmost(tile, tileData);
        }
        continue;
      }
      const { leaves, mismatch } = checkLevel0(tile, tileData, bundleData, on);
      if (mismatch >= 0) throw await blameLevel0(tile, leaves, mismatch, upper, cp);
      if (tile.width === TILE_WIDTH) {
        // The leaves equal the tile's hashes: a disagreement is the level-1 tile's (or both
        // the level-0 tile and its entries were rewritten alike, which only the root catches).
        await upper.push(1, n, subtreeRoot(leaves), tilePath(tile));
      } else {
        upper.rightmost(tile, tileData);
      }
    }
  } finally {
    // Settle reads still in flight before returning (their errors no longer matter).
    await Promise.allSettled(window);
  }
  await upper.finish(cp);
}

/**
 * Checks a level-0 tile against its entry bundle: the leaf hashes of its entries (a fresh
 * buffer) and the first entry whose leaf hash is not the tile's (-1: none). Counts the tile, and
 * the bundle when they agree, as done.
 */
function checkLevel0(
  tile: Tile,
  tileData: Uint8Array,
  bundleData: Uint8Array,
  on: WalkEvents,
): { leaves: Buffer; mismatch: number } {
  const tPath = tilePath(tile);
  const bPath = entriesPath(tile);
  checkTileLength(tPath, tile, tileData);
  on.tile();
  let list: Uint8Array[];
  try {
    list = parseEntryBundle(bundleData);
  } catch (err) {
    const detail = err instanceof LedgerError ? err.details?.problem : undefined;
    const problem = typeof detail === 'string' ? detail : '';
    throw bad(
      bPath,
      problem.includes('truncated') ? 'truncated' : problem.includes('more than') ? 'oversized' : 'malformed',
      `${bPath} is not a valid entry bundle (${problem || 'malformed'}).`,
    );
  }
  if (list.length !== tile.width) {
    throw bad(
      bPath,
      list.length < tile.width ? 'truncated' : 'oversized',
      `${bPath} holds ${list.length} entries; the tree needs ${tile.width}.`,
    );
  }
  const stored = asBuffer(tileData);
  const leaves = Buffer.allocUnsafe(tile.width * HASH_SIZE);
  let mismatch = -1;
  for (let i = 0; i < list.length; i++) {
    fastLeafHash(list[i]!).copy(leaves, i * HASH_SIZE);
    if (mismatch < 0 && !sameHash(leaves, i * HASH_SIZE, stored, i * HASH_SIZE)) mismatch = i;
  }
  if (mismatch < 0) {
    on.entries(list.length);
    on.tile();
  }
  return { leaves, mismatch };
}

/**
 * A level-0 tile and its entries disagree at hash `i`: which one changed? The one the level
 * above does not vouch for: when the entries' hashes give the level-1 hash (or, for the
 * rightmost partial tile, the checkpoint root), the tile was changed; otherwise the entries.
 */
async function blameLevel0(
  tile: Tile,
  leaves: Buffer,
  i: number,
  upper: UpperLevels,
  cp: Checkpoint,
): Promise<Bad> {
  const tPath = tilePath(tile);
  const bPath = entriesPath(tile);
  const fromEntries =
    tile.width === TILE_WIDTH
      ? await upper.matches(1, tile.index, subtreeRoot(Buffer.from(leaves)))
      : await upper.rootMatches(cp, tile, leaves);
  const entry = tile.index * TILE_WIDTH + i;
  return fromEntries
    ? bad(
        tPath,
        'wrong_hash',
        `hash ${i} of ${tPath} is not the leaf hash of entry ${entry}, which the tree above commits to.`,
      )
    : bad(bPath, 'wrong_hash', `entry ${entry} in ${bPath} does not hash to hash ${i} of ${tPath}.`);
}

function checkTileLength(path: string, tile: Tile, data: Uint8Array): void {
  const want = tile.width * HASH_SIZE;
  if (data.length < want) {
    throw bad(path, 'truncated', `${path} has ${data.length} bytes; ${tile.width} hashes need ${want}.`);
  }
  if (data.length > want) {
    throw bad(path, 'oversized', `${path} has ${data.length} bytes; ${tile.width} hashes are ${want}.`);
  }
}

/** Tiles of levels >= 1: one loaded tile per level, checked hash by hash as the level below completes. */
class UpperLevels {
  private readonly loaded = new Map<number, { tile: Tile; data: Buffer; checked: number }>();

  constructor(
    private readonly size: number,
    private readonly read: FileReader,
    private readonly on: WalkEvents,
  ) {}

  /** The partial level-0 tile (checked against its entries): the root needs its hashes. */
  rightmost(tile: Tile, data: Uint8Array): void {
    this.loaded.set(0, { tile, data: asBuffer(data), checked: tile.width });
  }

  /** True when hash `n` of level `level` is `h` (loads its tile; nothing is marked checked). */
  async matches(level: number, n: number, h: Buffer): Promise<boolean> {
    try {
      const cur = await this.load(level, Math.floor(n / TILE_WIDTH));
      return sameHash(h, 0, cur.data, (n % TILE_WIDTH) * HASH_SIZE);
    } catch (err) {
      if (err instanceof Bad) return false;
      throw err;
    }
  }

  /** True when the tree's root, with `data` as the rightmost level-0 tile, is the checkpoint's. */
  async rootMatches(cp: Checkpoint, tile: Tile, data: Uint8Array): Promise<boolean> {
    try {
      this.rightmost(tile, data);
      return sameHash(asBuffer(await this.root(cp.size)), 0, asBuffer(cp.rootHash), 0);
    } catch (err) {
      if (err instanceof Bad || err instanceof LedgerError) return false;
      throw err;
    }
  }

  private async load(level: number, index: number): Promise<{ tile: Tile; data: Buffer; checked: number }> {
    let cur = this.loaded.get(level);
    if (cur?.tile.index !== index) {
      const tile = publishedTile(level, index, this.size);
      const path = tilePath(tile);
      const data = await this.read(path);
      checkTileLength(path, tile, data);
      cur = { tile, data: asBuffer(data), checked: 0 };
      this.loaded.set(level, cur);
    }
    return cur;
  }

  /** The root rebuilt from the rightmost tile of each level (read through the cache). */
  private async root(size: number): Promise<Uint8Array> {
    const cache = new Map<string, Uint8Array>();
    for (const { tile, data } of this.loaded.values()) cache.set(tilePath(tile), data);
    return storedTreeHash(size, tileHashReader(this.read, size, cache));
  }

  /** Hash `n` of level `level` must be `h`, the root of the full tile `below` (level - 1, n). */
  async push(level: number, n: number, h: Buffer, below: string): Promise<void> {
    const index = Math.floor(n / TILE_WIDTH);
    const cur = await this.load(level, index);
    const at = (n % TILE_WIDTH) * HASH_SIZE;
    if (!sameHash(h, 0, cur.data, at)) {
      const path = tilePath(cur.tile);
      throw bad(
        path,
        'wrong_hash',
        `hash ${n % TILE_WIDTH} of ${path} is not the root of ${below} below it.`,
      );
    }
    cur.checked++;
    if (cur.checked === cur.tile.width) {
      this.on.tile();
      if (cur.tile.width === TILE_WIDTH) {
        // Copy: subtreeRoot works in place and `data` stays the level's rightmost tile.
        await this.push(level + 1, index, subtreeRoot(Buffer.from(cur.data)), tilePath(cur.tile));
      }
    }
  }

  /** Every upper tile complete, and the root of the tiles equal to the checkpoint's. */
  async finish(cp: Checkpoint): Promise<void> {
    if (cp.size === 0) {
      // The empty tree: nothing to read; the root must be SHA-256 of nothing.
      if (!sameHash(asBuffer(await storedTreeHash(0, () => [])), 0, asBuffer(cp.rootHash), 0)) {
        throw bad('checkpoint', 'wrong_hash', 'The checkpoint of the empty tree has another root.');
      }
      return;
    }
    // The root's complete subtrees all lie in the rightmost tile of each level.
    let root: Uint8Array;
    try {
      root = await this.root(cp.size);
    } catch (err) {
      if (err instanceof Bad) throw err;
      throw bad('checkpoint', 'wrong_hash', 'The root cannot be rebuilt from the tiles.');
    }
    if (!sameHash(asBuffer(root), 0, asBuffer(cp.rootHash), 0)) {
      throw bad(
        'checkpoint',
        'wrong_hash',
        'The checkpoint root is not the root of the tiles: the checkpoint or the right edge of the tree was changed.',
      );
    }
  }
}
