/**
 * The running log («03 The ledger»): a sequencer in front of a journal (write-ahead log) and an
 * integrator that turns journaled entries into tlog-tiles and signed checkpoints.
 *
 * - append: entries queue up; a batch (up to batchMaxEntries, or whatever arrived within
 *   batchMaxDelayMs, or while the previous batch was being written) is written to the journal
 *   with one write and one fsync (group commit), then every append of the batch resolves with
 *   its leaf index. Acknowledged means durable.
 * - integration: every integrateIntervalMs while entries wait (at once when integrateMaxEntries
 *   wait), the journaled entries beyond the tree are hashed into tiles and entry bundles, all
 *   written durably, THEN the checkpoint is signed and written atomically, THEN integrated()
 *   waiters and onCheckpoint listeners are told. Tiles of a published checkpoint are always
 *   durable; journal segments wholly below it are deleted.
 * - recovery (openLog): the checkpoint is verified and its root recomputed from the tiles
 *   (recover.ts), the journal checked (journal.ts), and entries beyond the checkpoint integrated
 *   before openLog resolves.
 * - clock: appends are refused with `ledger.clock_backwards` while now() is more than
 *   clockToleranceMs behind the latest time the log saw (appends, publications; the last
 *   publication time survives restarts in `<dir>/published-at`). Small steps back are tolerated;
 *   a clock that jumped forward and was corrected makes the log wait until time catches up (or an
 *   operator who checked the clock deletes `published-at`).
 */
import { isAppError, utf8Encode } from '@synthguard/core';
import { MAX_ENTRY_SIZE } from '../entry-bundle.js';
import { LedgerError } from '../errors.js';
import { type HashReader, checkInt } from '../merkle.js';
import type { NoteSigner } from '../note-keys.js';
import { consistencyProof, inclusionProof } from '../proofs.js';
import { TILE_WIDTH, parseEntriesPath, parseTilePath } from '../tiles.js';
import { integrateBatch } from './integrate.js';
import { type Journal, openFileJournal } from './journal.js';
import { lockLogDir } from './lock.js';
import { prunedError, readMinimumIndex } from './prune-mark.js';
import { loadCheckpoint, readPublishedAt, signLogCheckpoint, writePublishedAt } from './recover.js';
import { TileCache, corruptFile, tileWidthAt } from './tile-cache.js';
import { CHECKPOINT_PATH, type TileStore, fileTileStore } from './tile-store.js';

export interface LogOptions {
  /** e.g. <dataDir>/ledger ; holds `checkpoint`, `tile/...`, `journal/...`. */
  readonly dir: string;
  /** Checkpoint origin line, e.g. "synthguard.local/ledger". */
  readonly origin: string;
  /** Ed25519 note signer (note-keys.ts). */
  readonly signer: NoteSigner;
  /** Most entries per journal write (default 4096). */
  readonly batchMaxEntries?: number;
  /** How long the first append of an idle log waits for others to share its fsync (default 2 ms). */
  readonly batchMaxDelayMs?: number;
  /** Integration period while entries wait (default 200 ms). */
  readonly integrateIntervalMs?: number;
  /** ms since epoch; for clock checks. */
  readonly now?: () => number;
  /** Most entries per integration step; this many waiting start one at once (default 65,536). */
  readonly integrateMaxEntries?: number;
  /** How far the clock may step back before appends are refused (default 5,000 ms). */
  readonly clockToleranceMs?: number;
  /** Journal segment size before a new one is started (default 64 MiB). */
  readonly journalSegmentBytes?: number;
  /** Where tiles and the checkpoint live (default: fileTileStore(dir)). */
  readonly store?: TileStore;
  /** The journal, given the published size (default: the file journal under `<dir>/journal/`). */
  readonly journal?: (integrated: number) => Promise<Journal>;
  /** Background failures (integration, journal pruning, listeners); the log retries integration. */
  readonly onError?: (err: unknown) => void;
}

export interface LogCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  /** The signed checkpoint note text exactly as published. */
  readonly note: string;
}

export interface Log {
  readonly origin: string;
  /** Encoded note verifier key ("<name>+<hash>+<base64>"). */
  readonly verifierKey: string;
  /** Resolves once the entry is durable (journal fsynced), with its leaf index. Entry: 1..65535 bytes. */
  append(entry: Uint8Array): Promise<{ readonly index: number }>;
  /** Resolves with the first published checkpoint whose size > index (i.e. the entry is in the tree). */
  integrated(index: number): Promise<LogCheckpoint>;
  /** The latest published checkpoint (size 0 on a new log). Its tiles are always durable. */
  checkpoint(): LogCheckpoint;
  /** Published tiles/entry bundles (tlog-tiles path) or the checkpoint; undefined when absent. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Entry bytes at index < checkpoint().size. */
  entry(index: number): Promise<Uint8Array>;
  /** HashReader over published tiles (for proofs). */
  hashReader(): HashReader;
  inclusionProof(index: number, size: number): Promise<Uint8Array[]>;
  consistencyProof(oldSize: number, newSize: number): Promise<Uint8Array[]>;
  /** Called after each checkpoint is published. Returns an unsubscribe function. */
  onCheckpoint(listener: (cp: LogCheckpoint) => void): () => void;
  close(): Promise<void>;
}

interface Queued {
  readonly entry: Uint8Array;
  readonly resolve: (v: { readonly index: number }) => void;
  readonly reject: (err: unknown) => void;
}

interface Waiter {
  readonly index: number;
  readonly resolve: (cp: LogCheckpoint) => void;
  readonly reject: (err: unknown) => void;
}

const WRITE_CONCURRENCY = 16;

function closedError(): LedgerError {
  return new LedgerError('ledger.closed', 'The ledger log is closed: open it again.');
}

/** Runs `fn` over `items` with at most `limit` at a time; rejects with the first failure. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

class RunningLog implements Log {
  readonly origin: string;
  readonly verifierKey: string;
  #published: LogCheckpoint;
  /** Journaled entries beyond the tree, from index #published.size on. */
  #pending: Uint8Array[];
  #queue: Queued[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #integrateTimer: NodeJS.Timeout | undefined;
  #integrating: Promise<void> | undefined;
  #lastStepStart = -Infinity;
  #waiters: Waiter[] = [];
  readonly #listeners = new Set<(cp: LogCheckpoint) => void>();
  #lastTime: number;
  #closed = false;

  constructor(
    private readonly o: Required<
      Pick<
        LogOptions,
        | 'dir'
        | 'signer'
        | 'batchMaxEntries'
        | 'batchMaxDelayMs'
        | 'integrateIntervalMs'
        | 'integrateMaxEntries'
        | 'clockToleranceMs'
        | 'now'
        | 'onError'
      >
    >,
    origin: string,
    private readonly store: TileStore,
    private readonly cache: TileCache,
    private readonly journal: Journal,
    private readonly release: () => void,
    published: LogCheckpoint,
    pending: Uint8Array[],
    lastTime: number,
    private readonly minimumIndex: number,
  ) {
    this.origin = origin;
    this.verifierKey = o.signer.verifier.verifierKey;
    this.#published = published;
    this.#pending = pending;
    this.#lastTime = lastTime;
  }

  // ------------------------------------------------------------------------------------------
  // Appends and group commit

  append(entry: Uint8Array): Promise<{ readonly index: number }> {
    if (this.#closed) return Promise.reject(closedError());
    if (!(entry instanceof Uint8Array) || entry.length === 0) {
      return Promise.reject(
        new LedgerError('ledger.invalid_argument', 'A log entry must be 1 to 65,535 bytes.', {
          details: { field: 'entry', min: 1, max: MAX_ENTRY_SIZE },
        }),
      );
    }
    if (entry.length > MAX_ENTRY_SIZE) {
      return Promise.reject(
        new LedgerError(
          'ledger.entry_too_large',
          'A log entry must be at most 65,535 bytes: store less in it.',
          {
            details: { size: entry.length, max: MAX_ENTRY_SIZE },
          },
        ),
      );
    }
    const now = this.o.now();
    if (now + this.o.clockToleranceMs < this.#lastTime) {
      return Promise.reject(
        new LedgerError(
          'ledger.clock_backwards',
          'The clock is behind the time of earlier log activity: check the system clock.',
          { details: { behindMs: this.#lastTime - now, toleranceMs: this.o.clockToleranceMs } },
        ),
      );
    }
    if (now > this.#lastTime) this.#lastTime = now;
    return new Promise((resolve, reject) => {
      this.#queue.push({ entry: entry.slice(), resolve, reject });
      this.#scheduleFlush();
    });
  }

  #scheduleFlush(): void {
    if (this.#flushing !== undefined) return; // the running flush takes the queue next
    if (this.#queue.length >= this.o.batchMaxEntries || this.o.batchMaxDelayMs <= 0) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
      this.#startFlush();
    } else {
      this.#flushTimer ??= setTimeout(() => {
        this.#flushTimer = undefined;
        this.#startFlush();
      }, this.o.batchMaxDelayMs);
    }
  }

  #startFlush(): void {
    if (this.#flushing !== undefined) return;
    this.#flushing = this.#flush().finally(() => {
      this.#flushing = undefined;
      // Appends that arrived after the loop's last look (their callers resumed late) go next.
      if (this.#queue.length > 0) this.#scheduleFlush();
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.o.batchMaxEntries);
      const entries = batch.map((q) => q.entry);
      let first: number;
      try {
        first = await this.journal.append(entries);
      } catch (err) {
        for (const q of batch) q.reject(err);
        continue;
      }
      this.#pending.push(...entries);
      batch.forEach((q, i) => {
        q.resolve({ index: first + i });
      });
      this.#scheduleIntegration();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Integration

  #scheduleIntegration(): void {
    if (this.#closed || this.#integrating !== undefined || this.#pending.length === 0) return;
    if (this.#pending.length >= this.o.integrateMaxEntries) {
      clearTimeout(this.#integrateTimer);
      this.#integrateTimer = undefined;
      this.#startIntegration();
      return;
    }
    // At most one step per interval, counted from the previous step's start: under load (a
    // step longer than the interval) steps run back to back.
    const wait = Math.max(0, this.#lastStepStart + this.o.integrateIntervalMs - performance.now());
    this.#integrateTimer ??= setTimeout(() => {
      this.#integrateTimer = undefined;
      this.#startIntegration();
    }, wait);
  }

  #startIntegration(): void {
    if (this.#integrating !== undefined) return;
    this.#lastStepStart = performance.now();
    this.#integrating = this.integratePending()
      .catch((err: unknown) => {
        this.o.onError(err);
      })
      .finally(() => {
        this.#integrating = undefined;
        this.#scheduleIntegration();
      });
  }

  /** Integrates every journaled entry beyond the tree; throws on the first failure (retried later). */
  async integratePending(): Promise<void> {
    while (this.#pending.length > 0) {
      const take = Math.min(this.#pending.length, this.o.integrateMaxEntries);
      await this.#integrateStep(this.#pending.slice(0, take));
    }
  }

  async #integrateStep(entries: Uint8Array[]): Promise<void> {
    const old = this.#published;
    const batch = await integrateBatch(this.cache, old.size, entries);
    await forEachLimited(batch.files, WRITE_CONCURRENCY, (f) => this.store.write(f.path, f.data));
    for (const f of batch.files) if (f.tile !== undefined) this.cache.putTile(f.tile, f.data);
    for (const [index, bundle] of batch.bundles) this.cache.putBundle(index, bundle);
    // Every tile is durable: only now sign and publish the checkpoint.
    const cp = signLogCheckpoint(this.origin, this.o.signer, batch.size, batch.root);
    await this.store.write(CHECKPOINT_PATH, utf8Encode(cp.note));
    this.#published = cp;
    this.#pending.splice(0, entries.length);
    const now = this.o.now();
    if (now > this.#lastTime) this.#lastTime = now;
    this.#notify(cp);
    await Promise.all([
      writePublishedAt(this.o.dir, this.#lastTime).catch(this.o.onError),
      this.journal.release(cp.size).catch(this.o.onError),
    ]);
  }

  #notify(cp: LogCheckpoint): void {
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
        this.o.onError(err);
      }
    }
  }

  async integrated(index: number): Promise<LogCheckpoint> {
    checkInt(index, 'index', Number.MAX_SAFE_INTEGER);
    if (index < this.#published.size) return this.#published;
    if (this.#closed) throw closedError();
    if (index >= this.journal.size) {
      throw new LedgerError('ledger.out_of_range', 'No entry with this index was appended yet.', {
        details: { index, appended: this.journal.size },
      });
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ index, resolve, reject });
    });
  }

  // ------------------------------------------------------------------------------------------
  // Reads and proofs (published state only)

  checkpoint(): LogCheckpoint {
    return this.#published;
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    if (path === CHECKPOINT_PATH) return utf8Encode(this.#published.note);
    const size = this.#published.size;
    if (typeof path === 'string' && path.startsWith('tile/entries/')) {
      const b = parseEntriesPath(path);
      // Archived and pruned (tlog-tiles "Pruning"): a clear error, HTTP 410.
      if ((b.index + 1) * TILE_WIDTH <= this.minimumIndex) throw prunedError(this.minimumIndex, { path });
      const width = tileWidthAt(0, b.index, size);
      if (b.width > width) return undefined;
      const data = await this.store.read(path);
      if (data === undefined && b.width === width)
        throw corruptFile(path, 'a published entry bundle is missing');
      return data;
    }
    const tile = parseTilePath(path);
    const width = tileWidthAt(tile.level, tile.index, size);
    if (tile.width > width) return undefined;
    if (tile.width === width) return (await this.cache.tile(tile)).slice();
    // An older partial tile: may have been removed once the full one exists.
    const data = await this.store.read(path);
    if (data !== undefined && data.length !== tile.width * 32) {
      throw corruptFile(path, 'a tile has the wrong length', { expected: tile.width * 32, got: data.length });
    }
    return data;
  }

  async entry(index: number): Promise<Uint8Array> {
    const size = this.#published.size;
    checkInt(index, 'index', Number.MAX_SAFE_INTEGER);
    if (index >= size) {
      throw new LedgerError('ledger.out_of_range', 'The entry is not in the published tree.', {
        details: { index, size },
      });
    }
    if (index < this.minimumIndex) throw prunedError(this.minimumIndex, { index });
    const bundle = Math.floor(index / TILE_WIDTH);
    const entries = await this.cache.bundle(bundle, tileWidthAt(0, bundle, size));
    return entries[index % TILE_WIDTH]!.slice();
  }

  hashReader(): HashReader {
    return (indexes) => this.cache.hashReader(this.#published.size)(indexes);
  }

  async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    this.#checkPublished(size);
    return inclusionProof(index, size, this.hashReader());
  }

  async consistencyProof(oldSize: number, newSize: number): Promise<Uint8Array[]> {
    this.#checkPublished(newSize);
    return consistencyProof(oldSize, newSize, this.hashReader());
  }

  #checkPublished(size: number): void {
    checkInt(size, 'size', Number.MAX_SAFE_INTEGER);
    if (size > this.#published.size) {
      throw new LedgerError('ledger.out_of_range', 'The tree size is beyond the published checkpoint.', {
        details: { size, published: this.#published.size },
      });
    }
  }

  onCheckpoint(listener: (cp: LogCheckpoint) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  // ------------------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#flushTimer);
    clearTimeout(this.#integrateTimer);
    this.#startFlush(); // what was accepted is written (and acknowledged) first
    await this.#flushing;
    await this.#integrating;
    try {
      await this.integratePending();
    } catch (err) {
      this.o.onError(err); // still journaled: the next open integrates it
    }
    for (const w of this.#waiters) w.reject(closedError());
    this.#waiters = [];
    this.#listeners.clear();
    try {
      await this.journal.close();
    } finally {
      this.release();
    }
  }
}

/**
 * Opens (creating if needed) the log in `options.dir`: takes the directory lock (`ledger.locked`),
 * verifies the checkpoint and tiles, recovers the journal and integrates what it holds beyond the
 * checkpoint. See the file comment for the errors.
 */
export async function openLog(options: LogOptions): Promise<Log> {
  const o = {
    dir: options.dir,
    signer: options.signer,
    batchMaxEntries: options.batchMaxEntries ?? 4096,
    batchMaxDelayMs: options.batchMaxDelayMs ?? 2,
    integrateIntervalMs: options.integrateIntervalMs ?? 200,
    integrateMaxEntries: options.integrateMaxEntries ?? 65_536,
    clockToleranceMs: options.clockToleranceMs ?? 5_000,
    now: options.now ?? Date.now,
    onError: options.onError ?? (() => undefined),
  };
  checkInt(o.batchMaxEntries - 1, 'batchMaxEntries - 1', 1_000_000);
  checkInt(o.integrateMaxEntries - 1, 'integrateMaxEntries - 1', 10_000_000);
  checkInt(o.batchMaxDelayMs, 'batchMaxDelayMs', 60_000);
  checkInt(o.integrateIntervalMs, 'integrateIntervalMs', 3_600_000);
  checkInt(o.clockToleranceMs, 'clockToleranceMs', Number.MAX_SAFE_INTEGER);
  // Fails early (ledger.malformed_checkpoint) on an origin a checkpoint cannot carry.
  signLogCheckpoint(options.origin, options.signer, 0, new Uint8Array(32));

  const release = lockLogDir(options.dir);
  let journal: Journal | undefined;
  try {
    const store = options.store ?? fileTileStore(options.dir);
    const cache = new TileCache(store);
    const minimumIndex = await readMinimumIndex(options.dir);
    const published = await loadCheckpoint(store, cache, options.origin, options.signer, minimumIndex);
    journal = await (
      options.journal ??
      ((integrated: number) =>
        openFileJournal(options.dir, { integrated, segmentBytes: options.journalSegmentBytes }))
    )(published.size);
    const pending = await journal.replay(published.size);
    const lastTime = await readPublishedAt(options.dir);
    const log = new RunningLog(
      o,
      options.origin,
      store,
      cache,
      journal,
      release,
      published,
      pending,
      lastTime,
      minimumIndex,
    );
    await log.integratePending();
    return log;
  } catch (err) {
    await journal?.close().catch(() => undefined);
    release();
    throw isAppError(err)
      ? err
      : new LedgerError('ledger.storage_failed', 'Opening the log failed.', { cause: err });
  }
}
