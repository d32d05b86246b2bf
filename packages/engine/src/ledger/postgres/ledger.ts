/**
 * The ledger on PostgreSQL («03 The ledger», point 3: "one logical writer at scale (PostgreSQL
 * advisory lock), others forward or queue"): every node of an installation opens it on the
 * same database and gets a `Log`; which node writes is decided underneath.
 *
 * - The node holding the advisory lock leads (leadership.ts): it runs the sequencer of
 *   @synthguard/ledger over the journal and tiles in PostgreSQL (leader-term.ts) and drains the
 *   follower queue into it.
 * - The other nodes queue their appends (follower-queue.ts) and learn each index once the
 *   leader journaled the entry; they serve checkpoints, tiles, entries and proofs from
 *   `ledger_tiles`, checking each new checkpoint before serving it (published.ts).
 * - Failover: a follower tries the lock every `electionIntervalMs`. When the leader's lock
 *   connection dies, PostgreSQL releases the lock, another node takes it, recovers from the
 *   journal and tiles, and carries on; the old leader notices on its next heartbeat or write,
 *   stops its sequencer (its writes can no longer commit: they go through the dead connection)
 *   and becomes a follower (it waits three election intervals before trying to lead again, so
 *   another node normally takes over). A local append refused because its node stopped leading before
 *   writing anything is queued instead, transparently; one whose write failed midway is
 *   refused (`ledger.storage_failed`): it may or may not be in the log.
 *
 * On PGlite (one process) the node always leads.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '@synthguard/core';
import {
  type HashReader,
  LedgerError,
  type Log,
  type LogCheckpoint,
  type LogOptions,
  MAX_ENTRY_SIZE,
  type NoteSigner,
  emptyTreeHash,
  signCheckpoint,
} from '@synthguard/ledger';
import type { Store } from '@synthguard/store';
import { FollowerQueue } from './follower-queue.js';
import { JOURNAL_UNUSABLE } from './journal.js';
import { LeaderTerm } from './leader-term.js';
import { tryLeadership } from './leadership.js';
import { PublishedView, closedError } from './published.js';
import { postgresTileStore } from './tile-store.js';

export interface PostgresLedgerOptions extends Pick<
  LogOptions,
  | 'batchMaxEntries'
  | 'batchMaxDelayMs'
  | 'integrateIntervalMs'
  | 'integrateMaxEntries'
  | 'clockToleranceMs'
  | 'now'
> {
  /** The store (PostgreSQL, or PGlite: then this node always leads). */
  readonly store: Pick<Store, 'db' | 'driver'>;
  /** Checkpoint origin line, e.g. "synthguard.local/ledger". Every node uses the same. */
  readonly origin: string;
  /** The checkpoint signer; every node uses the same key. */
  readonly signer: NoteSigner;
  /**
   * Local scratch directory of the sequencer while leading (its lock file and clock hint; the
   * log itself is in the database). Default: a fresh directory under the OS temp dir, removed on close.
   */
  readonly dir?: string;
  /** Background failures (lost lock, refresh, drain); the ledger retries. */
  readonly onError?: (err: unknown) => void;
  /** How often a follower tries to take the lock (default 1,000 ms). */
  readonly electionIntervalMs?: number;
  /** How often the leader checks its lock connection (default 1,000 ms). */
  readonly heartbeatMs?: number;
  /** How often a follower polls for the indexes of its queued appends (default 10 ms). */
  readonly pollMs?: number;
  /** How often a follower reads the published checkpoint (default 200 ms). */
  readonly refreshMs?: number;
  /** Longest pause of the leader between looks at an empty follower queue (default 100 ms). */
  readonly drainIdleMs?: number;
}

/** A Log on PostgreSQL: leader or follower, transparently. */
export interface PostgresLedger extends Log {
  /** 'leader' while this node holds the lock and sequences. */
  readonly role: 'leader' | 'follower';
  /** The PostgreSQL backend pid of the lock connection while leading (operators, tests). */
  readonly lockPid: number | undefined;
}

function isStorageFailure(err: unknown): boolean {
  return isAppError(err, 'ledger.storage_failed', 'ledger.storage_full', 'ledger.corrupt');
}

/** Refused before anything was written: safe to send the entry another way. */
function refusedUnwritten(err: unknown): boolean {
  if (!(err instanceof LedgerError)) return false;
  return err.code === 'ledger.closed' || err.details?.problem === JOURNAL_UNUSABLE;
}

function checkEntry(entry: Uint8Array): LedgerError | undefined {
  if (!(entry instanceof Uint8Array) || entry.length === 0) {
    return new LedgerError('ledger.invalid_argument', 'A log entry must be 1 to 65,535 bytes.', {
      details: { field: 'entry', min: 1, max: MAX_ENTRY_SIZE },
    });
  }
  if (entry.length > MAX_ENTRY_SIZE) {
    return new LedgerError(
      'ledger.entry_too_large',
      'A log entry must be at most 65,535 bytes: store less in it.',
      {
        details: { size: entry.length, max: MAX_ENTRY_SIZE },
      },
    );
  }
  return undefined;
}

class PostgresLedgerNode implements PostgresLedger {
  readonly origin: string;
  readonly verifierKey: string;
  #term: LeaderTerm | undefined;
  #electing: Promise<void> | undefined;
  #ending: Promise<void> | undefined;
  #refreshing: Promise<void> | undefined;
  readonly #timers: NodeJS.Timeout[] = [];
  #closed = false;
  #holdOffUntil = 0;
  readonly #holdOffMs: number;

  constructor(
    private readonly o: PostgresLedgerOptions & { readonly dir: string },
    private readonly view: PublishedView,
    private readonly queue: FollowerQueue,
    private readonly onError: (err: unknown) => void,
    private readonly ownDir: boolean,
  ) {
    this.origin = o.origin;
    this.verifierKey = o.signer.verifier.verifierKey;
    this.#holdOffMs = o.store.driver === 'pglite' ? 0 : 3 * (o.electionIntervalMs ?? 1_000);
  }

  /** A method, so that checks after an await are not narrowed away. */
  isClosed(): boolean {
    return this.#closed;
  }

  get role(): 'leader' | 'follower' {
    return this.#term === undefined ? 'follower' : 'leader';
  }

  get lockPid(): number | undefined {
    return this.#term?.session.pid;
  }

  start(): void {
    const every = (ms: number, fn: () => void): void => {
      const t = setInterval(fn, ms);
      t.unref();
      this.#timers.push(t);
    };
    every(this.o.electionIntervalMs ?? 1_000, () => {
      void this.elect();
    });
    every(this.o.refreshMs ?? 200, () => {
      if (this.#term !== undefined || this.#refreshing !== undefined || this.#closed) return;
      this.#refreshing = this.view
        .refresh()
        .catch(this.onError)
        .finally(() => {
          this.#refreshing = undefined;
        });
    });
  }

  // ------------------------------------------------------------------------------------------
  // Leadership

  /** Tries to take the lock and lead (no-op while leading, electing, stepping down or holding off). */
  elect(): Promise<void> {
    if (
      this.#closed ||
      this.#term !== undefined ||
      this.#electing !== undefined ||
      this.#ending !== undefined ||
      Date.now() < this.#holdOffUntil
    ) {
      return this.#electing ?? Promise.resolve();
    }
    this.#electing = this.#tryLead().finally(() => {
      this.#electing = undefined;
    });
    return this.#electing;
  }

  async #tryLead(): Promise<void> {
    let session;
    try {
      session = await tryLeadership(this.o.store.db, {
        driver: this.o.store.driver,
        ...(this.o.heartbeatMs === undefined ? {} : { heartbeatMs: this.o.heartbeatMs }),
      });
    } catch (err) {
      this.onError(err);
      return;
    }
    if (session === undefined) return;
    if (this.isClosed()) {
      await session.release();
      return;
    }
    const holder: { term?: LeaderTerm } = {};
    let term: LeaderTerm;
    try {
      term = await LeaderTerm.start({
        sequencer: {
          dir: this.o.dir,
          origin: this.o.origin,
          signer: this.o.signer,
          ...pick(this.o),
        },
        db: this.o.store.db,
        session,
        onError: this.onError,
        onAppendFailed: (err) => {
          if (holder.term !== undefined && (isStorageFailure(err) || refusedUnwritten(err))) {
            this.#endTerm(holder.term);
          }
        },
        ...(this.o.drainIdleMs === undefined ? {} : { drainIdleMs: this.o.drainIdleMs }),
      });
    } catch (err) {
      this.onError(err);
      await session.release();
      return;
    }
    holder.term = term;
    if (this.isClosed()) {
      await term.stop();
      return;
    }
    this.#term = term;
    this.view.publish(term.log.checkpoint());
    const unsubscribe = term.log.onCheckpoint((cp) => {
      this.view.publish(cp);
    });
    void session.lost.then((err) => {
      this.onError(err);
      this.#endTerm(term);
    });
    void term.stopped.then(unsubscribe);
  }

  /**
   * Stops leading: new appends queue at once; the sequencer closes, then the lock is given back.
   * This node then waits `holdOffMs` before trying to lead again (the failure may be its own, e.g.
   * its connection), so another node normally takes over; if none does, it leads again.
   */
  #endTerm(term: LeaderTerm): void {
    if (this.#term !== term) return;
    this.#term = undefined;
    this.#holdOffUntil = Number.POSITIVE_INFINITY;
    this.#ending = term.stop().finally(() => {
      this.#ending = undefined;
      this.#holdOffUntil = Date.now() + this.#holdOffMs;
      if (this.#holdOffMs === 0) void this.elect();
    });
  }

  // ------------------------------------------------------------------------------------------
  // Appends

  append(entry: Uint8Array): Promise<{ readonly index: number }> {
    if (this.#closed) return Promise.reject(closedError());
    const bad = checkEntry(entry);
    if (bad !== undefined) return Promise.reject(bad);
    const term = this.#term;
    if (term === undefined) return this.queue.append(entry);
    return term.append(entry).catch((err: unknown) => {
      if (refusedUnwritten(err) && !this.#closed) {
        this.#endTerm(term);
        return this.append(entry);
      }
      if (isStorageFailure(err)) this.#endTerm(term); // outcome unknown: reopen from the database
      throw err;
    });
  }

  // ------------------------------------------------------------------------------------------
  // Reads: the same for every role (published.ts)

  integrated(index: number): Promise<LogCheckpoint> {
    return this.view.integrated(index);
  }

  checkpoint(): LogCheckpoint {
    return this.view.checkpoint();
  }

  read(path: string): Promise<Uint8Array | undefined> {
    return this.view.read(path);
  }

  entry(index: number): Promise<Uint8Array> {
    return this.view.entry(index);
  }

  hashReader(): HashReader {
    return this.view.hashReader();
  }

  inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    return this.view.inclusionProof(index, size);
  }

  consistencyProof(oldSize: number, newSize: number): Promise<Uint8Array[]> {
    return this.view.consistencyProof(oldSize, newSize);
  }

  onCheckpoint(listener: (cp: LogCheckpoint) => void): () => void {
    return this.view.onCheckpoint(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // While leading, give queued appends of this node a moment to be drained first.
    for (let waited = 0; this.#term !== undefined && this.queue.pending > 0 && waited < 2_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    await this.#electing;
    await this.#ending;
    const term = this.#term;
    this.#term = undefined;
    await term?.stop();
    await this.#refreshing;
    await this.queue.close();
    this.view.close();
    if (this.ownDir) await rm(this.o.dir, { recursive: true, force: true }).catch(this.onError);
  }
}

function pick(o: PostgresLedgerOptions): Partial<LogOptions> {
  const out: { -readonly [K in keyof LogOptions]?: LogOptions[K] } = {};
  if (o.batchMaxEntries !== undefined) out.batchMaxEntries = o.batchMaxEntries;
  if (o.batchMaxDelayMs !== undefined) out.batchMaxDelayMs = o.batchMaxDelayMs;
  if (o.integrateIntervalMs !== undefined) out.integrateIntervalMs = o.integrateIntervalMs;
  if (o.integrateMaxEntries !== undefined) out.integrateMaxEntries = o.integrateMaxEntries;
  if (o.clockToleranceMs !== undefined) out.clockToleranceMs = o.clockToleranceMs;
  if (o.now !== undefined) out.now = o.now;
  return out;
}

/**
 * Opens the ledger on the store's database (migration 0004 must be applied: openStore does
 * it). Serves the published checkpoint once it verifies (`ledger.corrupt` otherwise), tries
 * once to lead, and resolves as leader or follower. Throws `ledger.storage_failed` when the
 * database cannot be read, or what openLog throws for a log it cannot recover.
 */
export async function openPostgresLedger(options: PostgresLedgerOptions): Promise<PostgresLedger> {
  // The size-0 checkpoint (what a new log publishes); also refuses an origin a checkpoint cannot carry.
  const root = emptyTreeHash();
  const empty: LogCheckpoint = {
    size: 0,
    root,
    note: signCheckpoint({ origin: options.origin, size: 0, rootHash: root, extensions: [] }, [
      options.signer,
    ]),
  };
  const onError = options.onError ?? (() => undefined);
  const view = new PublishedView(
    postgresTileStore(options.store.db),
    options.origin,
    options.signer.verifier,
    empty,
    onError,
  );
  await view.refresh();
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'synthguard-ledger-')));
  const queue = new FollowerQueue(options.store.db, onError, {
    ...(options.batchMaxEntries === undefined ? {} : { batchMaxEntries: options.batchMaxEntries }),
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
  });
  const node = new PostgresLedgerNode({ ...options, dir }, view, queue, onError, ownDir);
  await node.elect();
  node.start();
  return node;
}
