/**
 * The log's journal (write-ahead log) in PostgreSQL: `ledger_journal(idx, entry)`, one row per
 * leaf index. It implements the `Journal` of @synthguard/ledger (log/journal.ts), so the
 * sequencer of `openLog` runs unchanged on top of it.
 *
 * A batch is ONE statement (a multi-row INSERT from `unnest`), so one transaction, durable at
 * its commit; no entry is acknowledged before it. When the entries of a batch came from the
 * follower queue (`ledger_queue`), the same statement deletes their queue rows and records the
 * index each got in `ledger_queue_acks`: an entry is moved, never copied, and its follower learns
 * where it went.
 *
 * Fencing: the leader hands this journal the connection that holds its advisory lock
 * (leadership.ts). A session lock dies with its connection and the journal writes only through
 * that connection, so once another node holds the lock no write of the old leader can commit.
 *
 * After a failed write the outcome is unknown (the commit may have happened and only the answer
 * was lost), so the journal refuses further appends: the log must be reopened, which recovers
 * from what the tables hold.
 */
import { type Kysely, sql } from 'kysely';
import { LedgerError } from '@synthguard/ledger';
import type { Database } from '@synthguard/store';
import { type Journal, storageError, toBytes, toIndex } from './storage.js';

const TABLE = 'ledger_journal';

/** Which follower append (its `ledger_queue` id), if any, each entry of a journal batch is. */
export interface QueueClaims {
  /** Called once per batch, in order, with the batch's entries; one id or undefined per entry. */
  take(entries: readonly Uint8Array[]): readonly (number | undefined)[];
}

export interface PostgresJournalOptions {
  /** Size of the published tree: the journal must hold every entry from here on. */
  readonly integrated: number;
  /** Queue rows behind the entries (the leader's drain of the follower queue). */
  readonly queue?: QueueClaims;
}

/** `problem` of the error a failed or closed journal throws before writing anything (safe to retry elsewhere). */
export const JOURNAL_UNUSABLE = 'journal_unusable';

function corrupt(problem: string, details: Record<string, unknown>): LedgerError {
  return new LedgerError(
    'ledger.corrupt',
    `The ledger journal table is corrupt (${problem}): restore the database from a backup.`,
    { details: { path: TABLE, problem, ...details } },
  );
}

/**
 * Opens the journal in `ledger_journal` over `db` (the leader's lock connection; on PGlite the
 * store). Rows below `integrated` are deleted; the rows from there on must be contiguous from
 * `integrated` (`ledger.corrupt` otherwise: an acknowledged entry is never silently dropped).
 */
export async function postgresJournal(
  db: Kysely<Database>,
  options: PostgresJournalOptions,
): Promise<Journal> {
  const integrated = options.integrated;
  let size = integrated;
  try {
    await sql`delete from ledger_journal where idx < ${integrated}`.execute(db);
    const r = await sql<{ lo: unknown; hi: unknown; n: unknown }>`
      select min(idx) as lo, max(idx) as hi, count(*) as n from ledger_journal`.execute(db);
    const row = r.rows[0];
    const n = row === undefined ? 0 : toIndex(row.n);
    if (n > 0 && row !== undefined) {
      const lo = toIndex(row.lo);
      const hi = toIndex(row.hi);
      if (lo !== integrated)
        throw corrupt('the journal starts after the checkpoint', { first: lo, checkpoint: integrated });
      if (hi - lo + 1 !== n) throw corrupt('a gap in the journal', { first: lo, last: hi, rows: n });
      size = hi + 1;
    }
  } catch (err) {
    throw storageError(err, TABLE, 'open');
  }
  return new PostgresJournal(db, size, options.queue);
}

class PostgresJournal implements Journal {
  #size: number;
  #unusable: LedgerError | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    size: number,
    private readonly queue: QueueClaims | undefined,
  ) {
    this.#size = size;
  }

  get size(): number {
    return this.#size;
  }

  async append(entries: readonly Uint8Array[]): Promise<number> {
    if (this.#unusable !== undefined) throw this.#unusable;
    const first = this.#size;
    if (entries.length === 0) return first;
    const claims = this.queue?.take(entries) ?? [];
    const ids: number[] = [];
    const idxs: number[] = [];
    claims.forEach((id, i) => {
      if (id !== undefined) {
        ids.push(id);
        idxs.push(first + i);
      }
    });
    const rows = sql`
      insert into ledger_journal (idx, entry)
      select ${first}::bigint + t.n - 1, t.e from unnest(${entries}::bytea[]) with ordinality as t(e, n)`;
    try {
      if (ids.length === 0) {
        await rows.execute(this.db);
      } else {
        // One statement: journal rows, queue rows deleted, acks written, all or nothing.
        await sql`
          with journaled as (${rows}),
               dequeued as (delete from ledger_queue where id = any(${ids}::bigint[]))
          insert into ledger_queue_acks (id, idx)
          select a.id, a.idx from unnest(${ids}::bigint[], ${idxs}::bigint[]) as a(id, idx)`.execute(this.db);
      }
    } catch (err) {
      const failed = storageError(err, TABLE, 'append');
      this.#unusable = new LedgerError(
        failed.code,
        'The ledger journal refuses appends after a failed write: the log is being reopened.',
        { cause: failed, details: { path: TABLE, op: 'append', problem: JOURNAL_UNUSABLE } },
      );
      throw failed;
    }
    this.#size = first + entries.length;
    return first;
  }

  async replay(from: number): Promise<Uint8Array[]> {
    if (from >= this.#size) return [];
    let rows: { idx: unknown; entry: unknown }[];
    try {
      const r = await sql<{ idx: unknown; entry: unknown }>`
        select idx, entry from ledger_journal where idx >= ${from} and idx < ${this.#size} order by idx`.execute(
        this.db,
      );
      rows = r.rows;
    } catch (err) {
      throw storageError(err, TABLE, 'replay');
    }
    const out: Uint8Array[] = [];
    for (const row of rows) {
      const idx = toIndex(row.idx);
      if (idx !== from + out.length) break;
      out.push(new Uint8Array(toBytes(row.entry, TABLE)));
    }
    if (from + out.length !== this.#size) {
      throw corrupt('entries to replay are missing', { from, expected: this.#size, got: from + out.length });
    }
    return out;
  }

  async release(size: number): Promise<void> {
    if (this.#unusable !== undefined) return;
    try {
      await sql`delete from ledger_journal where idx < ${size}`.execute(this.db);
    } catch (err) {
      throw storageError(err, TABLE, 'release');
    }
  }

  close(): Promise<void> {
    this.#unusable ??= new LedgerError('ledger.closed', 'The ledger journal is closed.', {
      details: { path: TABLE, problem: JOURNAL_UNUSABLE },
    });
    return Promise.resolve();
  }
}
