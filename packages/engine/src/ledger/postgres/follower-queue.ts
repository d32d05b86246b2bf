/**
 * Appends of a node that does not lead: each entry is inserted into `ledger_queue` (durable at
 * its commit; concurrent appends share one multi-row INSERT), then the node polls
 * `ledger_queue_acks` until the leader has moved the row into the journal, and resolves with
 * the index the entry got there. Acknowledged therefore means journaled by the leader, as on
 * the leader itself.
 *
 * A queued entry waits for a leader however long that takes: the queue is durable. Closing the
 * node rejects the waiting appends with `ledger.closed`; their entries stay queued and are
 * still logged (unacknowledged, like any append whose answer was lost).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '@synthguard/store';
import { closedError } from './published.js';
import { storageError, toIndex } from './storage.js';

interface Outgoing {
  readonly entry: Uint8Array;
  readonly resolve: (v: { readonly index: number }) => void;
  readonly reject: (err: unknown) => void;
}

export interface FollowerQueueOptions {
  /** Most entries per INSERT (default 4096). */
  readonly batchMaxEntries?: number;
  /** How often acknowledgements are polled while appends wait (default 10 ms). */
  readonly pollMs?: number;
}

export class FollowerQueue {
  readonly #batchMax: number;
  readonly #pollMs: number;
  #outbox: Outgoing[] = [];
  #sending: Promise<void> | undefined;
  readonly #awaiting = new Map<number, Outgoing>();
  #polling: Promise<void> | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (err: unknown) => void,
    options: FollowerQueueOptions = {},
  ) {
    this.#batchMax = options.batchMaxEntries ?? 4096;
    this.#pollMs = options.pollMs ?? 10;
  }

  /** Queues `entry` (already checked: 1..65535 bytes); resolves with its index once journaled. */
  append(entry: Uint8Array): Promise<{ readonly index: number }> {
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      this.#outbox.push({ entry: entry.slice(), resolve, reject });
      this.#send();
    });
  }

  #send(): void {
    if (this.#sending !== undefined) return; // the running send takes the outbox next
    this.#sending = this.#sendAll().finally(() => {
      this.#sending = undefined;
      if (this.#outbox.length > 0) this.#send();
    });
  }

  async #sendAll(): Promise<void> {
    while (this.#outbox.length > 0) {
      const batch = this.#outbox.splice(0, this.#batchMax);
      let ids: number[];
      try {
        // Ids come from the sequence in the order the rows are inserted (ORDER BY n).
        const r = await sql<{ id: unknown }>`
          insert into ledger_queue (entry)
          select t.e from unnest(${batch.map((o) => o.entry)}::bytea[]) with ordinality as t(e, n) order by t.n
          returning id`.execute(this.db);
        ids = r.rows.map((row) => toIndex(row.id)).sort((a, b) => a - b);
        if (ids.length !== batch.length) throw new Error('queue insert returned the wrong number of ids');
      } catch (err) {
        const failed = storageError(err, 'ledger_queue', 'append');
        for (const o of batch) o.reject(failed);
        continue;
      }
      batch.forEach((o, i) => this.#awaiting.set(ids[i]!, o));
      this.#schedulePoll(0);
    }
  }

  #schedulePoll(delay: number): void {
    if (
      this.#closed ||
      this.#polling !== undefined ||
      this.#pollTimer !== undefined ||
      this.#awaiting.size === 0
    ) {
      return;
    }
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = undefined;
      this.#polling = this.#poll().finally(() => {
        this.#polling = undefined;
        this.#schedulePoll(this.#pollMs);
      });
    }, delay);
  }

  async #poll(): Promise<void> {
    const ids = [...this.#awaiting.keys()];
    for (let i = 0; i < ids.length; i += 10_000) {
      const chunk = ids.slice(i, i + 10_000);
      let rows: { id: unknown; idx: unknown }[];
      try {
        const r = await sql<{ id: unknown; idx: unknown }>`
          delete from ledger_queue_acks where id = any(${chunk}::bigint[]) returning id, idx`.execute(
          this.db,
        );
        rows = r.rows;
      } catch (err) {
        this.onError(storageError(err, 'ledger_queue_acks', 'poll'));
        return;
      }
      for (const row of rows) {
        const id = toIndex(row.id);
        const o = this.#awaiting.get(id);
        if (o === undefined) continue;
        this.#awaiting.delete(id);
        o.resolve({ index: toIndex(row.idx) });
      }
    }
  }

  /** Appends waiting for an INSERT or an acknowledgement. */
  get pending(): number {
    return this.#outbox.length + this.#awaiting.size;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#sending;
    clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
    await this.#polling;
    const err = closedError();
    for (const o of this.#outbox.splice(0)) o.reject(err);
    for (const o of this.#awaiting.values()) o.reject(err);
    this.#awaiting.clear();
  }
}
