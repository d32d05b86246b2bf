/**
 * What one node of the ledger on PostgreSQL serves: the latest checkpoint it knows and the tiles
 * below it, read from `ledger_tiles`, the same for the leader and the followers.
 *
 * A checkpoint the leader's own sequencer published is taken as is (it proved it). One read from
 * the table (a follower's refresh) is checked before it is served: signed by the log's key for
 * the log's origin, its root recomputed from the tiles (RFC 6962 / tlog-tiles stored hashes), and
 * consistent with the checkpoint served before it (RFC 9162 2.1.4). A checkpoint that fails any
 * check is not served; the node keeps the last good one and reports `ledger.corrupt`.
 */
import { bytesEqual, utf8Decode, utf8Encode } from '@synthguard/core';
import {
  type HashReader,
  LedgerError,
  type LogCheckpoint,
  type NoteVerifier,
  type TileStore,
  TILE_HEIGHT,
  TILE_WIDTH,
  consistencyProof,
  inclusionProof,
  openLogCheckpoint,
  parseEntriesPath,
  parseTilePath,
  readEntry,
  storedTreeHash,
  tileHashReader,
  verifyConsistency,
} from '@synthguard/ledger';
import { CHECKPOINT_PATH } from './tile-store.js';

/** Most tile files kept in memory (tile files are immutable: a width is in the path). */
const CACHE_FILES = 2048;

interface Waiter {
  readonly index: number;
  readonly resolve: (cp: LogCheckpoint) => void;
  readonly reject: (err: unknown) => void;
}

function corrupt(problem: string, details: Record<string, unknown> = {}): LedgerError {
  return new LedgerError(
    'ledger.corrupt',
    `The ledger's published checkpoint does not verify (${problem}).`,
    {
      details: { path: CHECKPOINT_PATH, problem, ...details },
    },
  );
}

/** The width of tile (level, index) in the tree of `size`, 0 when the tree has none of it. */
function publishedWidth(level: number, index: number, size: number): number {
  const hashes = Math.floor(size / 2 ** (TILE_HEIGHT * level));
  return Math.max(0, Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH));
}

export class PublishedView {
  #cp: LogCheckpoint;
  #waiters: Waiter[] = [];
  readonly #listeners = new Set<(cp: LogCheckpoint) => void>();
  readonly #cache = new Map<string, Uint8Array>();
  #closed = false;

  constructor(
    private readonly store: TileStore,
    private readonly origin: string,
    private readonly verifier: NoteVerifier,
    initial: LogCheckpoint,
    private readonly onError: (err: unknown) => void,
  ) {
    this.#cp = initial;
  }

  checkpoint(): LogCheckpoint {
    return this.#cp;
  }

  /** A checkpoint the local sequencer published (already proved). */
  publish(cp: LogCheckpoint): void {
    if (cp.size < this.#cp.size || (cp.size === this.#cp.size && cp.note === this.#cp.note)) return;
    this.#set(cp);
  }

  /**
   * Reads the checkpoint from the table and serves it once it verifies (see the file comment).
   * Throws `ledger.corrupt` (the last good checkpoint stays), or storage errors.
   */
  async refresh(): Promise<void> {
    const raw = await this.store.read(CHECKPOINT_PATH);
    if (raw === undefined) return;
    const note = utf8Decode(raw);
    const old = this.#cp;
    if (note === old.note) return;
    const { size, root } = openLogCheckpoint(note, this.origin, this.verifier);
    if (size < old.size) return; // an older read raced a newer publication
    if (size === old.size) {
      if (!bytesEqual(root, old.root)) throw corrupt('two roots for one tree size', { size });
      return;
    }
    const hashes = tileHashReader((path) => this.#readFile(path), size, new Map());
    if (!bytesEqual(await storedTreeHash(size, hashes), root)) {
      throw corrupt('the tiles do not reproduce the root', { size });
    }
    if (old.size > 0) {
      const proof = await consistencyProof(old.size, size, hashes);
      let ok: boolean;
      try {
        ok = verifyConsistency(old.size, size, proof, old.root, root);
      } catch {
        ok = false;
      }
      if (!ok) throw corrupt('not consistent with the previous checkpoint', { oldSize: old.size, size });
    }
    if (this.#cp === old) this.#set({ size, root, note });
  }

  #set(cp: LogCheckpoint): void {
    this.#cp = cp;
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.index < cp.size) w.resolve(cp);
      else still.push(w);
    }
    this.#waiters = still;
    for (const listener of this.#listeners) {
      try {
        listener(cp);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  integrated(index: number): Promise<LogCheckpoint> {
    if (!Number.isSafeInteger(index) || index < 0) {
      return Promise.reject(
        new LedgerError('ledger.invalid_argument', 'An entry index must be a non-negative integer.', {
          details: { field: 'index' },
        }),
      );
    }
    if (index < this.#cp.size) return Promise.resolve(this.#cp);
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      this.#waiters.push({ index, resolve, reject });
    });
  }

  onCheckpoint(listener: (cp: LogCheckpoint) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** A file of the layout (immutable once written), through the cache. */
  async #readFile(path: string): Promise<Uint8Array | undefined> {
    const hit = this.#cache.get(path);
    if (hit !== undefined) return hit;
    const data = await this.store.read(path);
    if (data === undefined || path === CHECKPOINT_PATH) return data;
    if (this.#cache.size >= CACHE_FILES) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(path, data);
    return data;
  }

  /** Published tiles / entry bundles of the served checkpoint, or the checkpoint itself. */
  async read(path: string): Promise<Uint8Array | undefined> {
    const size = this.#cp.size;
    if (path === CHECKPOINT_PATH) return utf8Encode(this.#cp.note);
    const entries = typeof path === 'string' && path.startsWith('tile/entries/');
    const t = entries ? { level: 0, ...parseEntriesPath(path) } : parseTilePath(path);
    const width = publishedWidth(t.level, t.index, size);
    if (t.width > width) return undefined;
    const data = await this.#readFile(path);
    if (data === undefined) {
      if (t.width === width) {
        throw new LedgerError('ledger.corrupt', 'A published tile or entry bundle is missing.', {
          details: { path, problem: 'missing' },
        });
      }
      return undefined; // an older partial tile may be gone once the full one exists
    }
    if (!entries && data.length !== t.width * 32) {
      throw new LedgerError('ledger.corrupt', 'A tile has the wrong length.', {
        details: { path, problem: 'wrong length', expected: t.width * 32, got: data.length },
      });
    }
    return data.slice();
  }

  entry(index: number): Promise<Uint8Array> {
    return readEntry((path) => this.#readFile(path), index, this.#cp.size);
  }

  hashReader(): HashReader {
    return tileHashReader((path) => this.#readFile(path), this.#cp.size, new Map());
  }

  inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    this.#checkSize(size);
    return inclusionProof(index, size, this.hashReader());
  }

  consistencyProof(oldSize: number, newSize: number): Promise<Uint8Array[]> {
    this.#checkSize(newSize);
    return consistencyProof(oldSize, newSize, this.hashReader());
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.#cp.size) {
      throw new LedgerError('ledger.out_of_range', 'The tree size is beyond the published checkpoint.', {
        details: { size, published: this.#cp.size },
      });
    }
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#waiters) w.reject(closedError());
    this.#waiters = [];
    this.#listeners.clear();
  }
}

export function closedError(): LedgerError {
  return new LedgerError('ledger.closed', 'The ledger log is closed: open it again.');
}
