/**
 * One term of leadership: the node holds the advisory lock (leadership.ts) and runs the log's
 * sequencer (`openLog` of @synthguard/ledger) over the PostgreSQL journal and tile store.
 * `openLog` recovers first: it proves the published checkpoint from the tiles, then integrates
 * whatever the journal holds beyond it (what the previous leader acknowledged but had not yet
 * integrated).
 *
 * The term also drains the follower queue: queued rows go through the same sequencer as local
 * appends, in batches. A ClaimFifo tells the journal which queue row each entry of a batch is, so
 * the statement that journals the batch also deletes those rows and acknowledges their indexes
 * (journal.ts): an entry is moved from the queue to the journal exactly once.
 */
import { bytesEqual } from '@synthguard/core';
import { type Log, type LogOptions, openLog } from '@synthguard/ledger';
import { type Kysely, sql } from 'kysely';
import type { Database } from '@synthguard/store';
import { type QueueClaims, postgresJournal } from './journal.js';
import type { Leadership } from './leadership.js';
import { storageError, toBytes, toIndex } from './storage.js';
import { postgresTileStore } from './tile-store.js';

/**
 * The order in which entries enter the sequencer, and which queue row each is (undefined: a
 * local append). The sequencer journals its FIFO queue in order, so each batch is the next run
 * of this list. An append the sequencer refused before queueing (a clock step back, a closing
 * log) leaves an entry here that is skipped because its bytes do not match. (Were a refused
 * entry followed by an accepted one with identical bytes, the accepted one would take its claim:
 * both callers would be told the same index of identical bytes.)
 */
export class ClaimFifo implements QueueClaims {
  #items: { readonly entry: Uint8Array; readonly id: number | undefined }[] = [];
  #head = 0;

  push(entry: Uint8Array, id: number | undefined): void {
    this.#items.push({ entry, id });
  }

  take(entries: readonly Uint8Array[]): (number | undefined)[] {
    const out = entries.map((entry) => {
      for (let j = this.#head; j < this.#items.length; j++) {
        const item = this.#items[j]!;
        if (bytesEqual(item.entry, entry)) {
          this.#head = j + 1;
          return item.id;
        }
      }
      return undefined;
    });
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }
}

export type SequencerOptions = Pick<
  LogOptions,
  | 'batchMaxEntries'
  | 'batchMaxDelayMs'
  | 'integrateIntervalMs'
  | 'integrateMaxEntries'
  | 'clockToleranceMs'
  | 'now'
  | 'origin'
  | 'signer'
  | 'dir'
>;

export interface LeaderTermOptions {
  readonly sequencer: SequencerOptions;
  /** The store's pool (tiles, the queue reads). */
  readonly db: Kysely<Database>;
  readonly session: Leadership;
  readonly onError: (err: unknown) => void;
  /** A queued entry the sequencer refused (the facade decides whether the term must end). */
  readonly onAppendFailed: (err: unknown) => void;
  /** Longest wait between looks at an idle queue (default 100 ms; 5 ms while rows keep coming). */
  readonly drainIdleMs?: number;
  /** Most queue rows in the sequencer at once (default 8192). */
  readonly drainMaxEntries?: number;
}

const ACK_RETENTION = "interval '1 day'";
const ACK_PRUNE_EVERY_MS = 10 * 60_000;

export class LeaderTerm {
  readonly #inflight = new Set<number>();
  #stopped = false;
  #drainTimer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #idleMs = 5;
  #lastPrune = 0;
  #stopping: Promise<void> | undefined;
  #markStopped!: () => void;
  /** Resolves once stop() has finished. */
  readonly stopped = new Promise<void>((resolve) => {
    this.#markStopped = resolve;
  });

  private constructor(
    readonly log: Log,
    readonly session: Leadership,
    private readonly o: LeaderTermOptions,
    private readonly claims: ClaimFifo,
  ) {}

  /** Opens the sequencer (recovery included) under `session`. Throws what openLog throws. */
  static async start(o: LeaderTermOptions): Promise<LeaderTerm> {
    const claims = new ClaimFifo();
    const log = await openLog({
      ...o.sequencer,
      store: postgresTileStore(o.db, { checkpointDb: o.session.db }),
      journal: (integrated) => postgresJournal(o.session.db, { integrated, queue: claims }),
      onError: (err) => {
        o.onError(err);
        o.session.check(); // a failed integration may be a lost lock
      },
    });
    const term = new LeaderTerm(log, o.session, o, claims);
    term.#scheduleDrain(0);
    return term;
  }

  /** A local append through the sequencer. */
  append(entry: Uint8Array): Promise<{ readonly index: number }> {
    this.claims.push(entry, undefined);
    return this.log.append(entry);
  }

  #scheduleDrain(delay: number): void {
    if (this.#stopped || this.#drainTimer !== undefined || this.#draining !== undefined) return;
    this.#drainTimer = setTimeout(() => {
      this.#drainTimer = undefined;
      this.#draining = this.#drain()
        .catch((err: unknown) => {
          this.o.onError(err);
          this.session.check();
          return 0;
        })
        .then((n) => {
          this.#draining = undefined;
          this.#idleMs = n > 0 ? 5 : Math.min(this.#idleMs * 2, this.o.drainIdleMs ?? 100);
          this.#scheduleDrain(n > 0 ? 0 : this.#idleMs);
        });
    }, delay);
  }

  /** Takes the next queue rows into the sequencer; returns how many. */
  async #drain(): Promise<number> {
    const room = (this.o.drainMaxEntries ?? 8192) - this.#inflight.size;
    if (room <= 0) return 0;
    await this.#pruneAcks();
    let rows: { id: unknown; entry: unknown }[];
    try {
      const r = await sql<{ id: unknown; entry: unknown }>`
        select id, entry from ledger_queue where id <> all(${[...this.#inflight]}::bigint[])
        order by id limit ${room}`.execute(this.o.db);
      rows = r.rows;
    } catch (err) {
      throw storageError(err, 'ledger_queue', 'drain');
    }
    for (const row of rows) {
      if (this.#stopped) break;
      const id = toIndex(row.id);
      const entry = toBytes(row.entry, 'ledger_queue');
      this.#inflight.add(id);
      this.claims.push(entry, id);
      this.log.append(entry).then(
        () => this.#inflight.delete(id),
        (err: unknown) => {
          // Not journaled (or not known to be): the row stays queued for this or the next leader.
          this.#inflight.delete(id);
          this.o.onAppendFailed(err);
        },
      );
    }
    return rows.length;
  }

  async #pruneAcks(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastPrune < ACK_PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    // Acknowledgements nobody collected (their follower went away).
    await sql`delete from ledger_queue_acks where acked_at < now() - ${sql.raw(ACK_RETENTION)}`
      .execute(this.o.db)
      .catch((err: unknown) => {
        this.o.onError(storageError(err, 'ledger_queue_acks', 'prune'));
      });
  }

  /** Ends the term: the sequencer is closed (what it accepted is journaled or refused), the lock given back. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop().finally(() => {
      this.#markStopped();
    });
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    await this.#draining;
    try {
      await this.log.close();
    } catch (err) {
      this.o.onError(err);
    }
    await this.session.release();
  }
}
