/**
 * Leadership of the ledger on PostgreSQL: one logical writer at a time («03 The ledger», point 3).
 *
 * A node leads while it holds the session-level advisory lock
 * `pg_try_advisory_lock(LEDGER_LOCK_CLASS, hashtext(current_schema()))` (PostgreSQL 9.4+
 * "Advisory Lock Functions"; per schema, so installations sharing a database do not contend) on a
 * connection it keeps checked out of the store's pool for as long as it leads. The journal and
 * the checkpoint are written only through that connection: a session lock is released when its
 * backend ends, and then nothing the old leader sends through it can commit (fencing).
 *
 * The lock connection is checked every `heartbeatMs` (and at once on `check()`); when a query on
 * it fails the lock counts as lost. On release the lock is given back with pg_advisory_unlock
 * before the connection returns to the pool; if that fails the backend ends itself
 * (pg_terminate_backend(pg_backend_pid())) so no pooled connection keeps the lock.
 *
 * PGlite is one process with one connection: it always leads, through the store itself.
 *
 * The store's pool must keep an 'error' listener on checked-out clients (packages/store
 * open.ts), or node-postgres throws an unhandled 'error' event when the lock's backend dies.
 */
import { type Kysely, sql } from 'kysely';
import { LedgerError } from '@synthguard/ledger';
import type { Database, StoreDriver } from '@synthguard/store';
import { storageError, toIndex } from './storage.js';

/** The first key of the ledger's advisory lock: "SGLG" (the second is the schema's hash). */
export const LEDGER_LOCK_CLASS = 0x53474c47;

export interface Leadership {
  /** The lock connection (PGlite: the store): every fenced write goes through it. */
  readonly db: Kysely<Database>;
  /** The backend pid holding the lock; undefined on PGlite. */
  readonly pid: number | undefined;
  /** Resolves with the reason once the lock is lost (never on PGlite, nor after release()). */
  readonly lost: Promise<LedgerError>;
  /** Checks the lock connection now (after a failed write). */
  check(): void;
  /** Gives the lock back and returns the connection. Idempotent. */
  release(): Promise<void>;
}

export interface LeadershipOptions {
  readonly driver: StoreDriver;
  /** How often the lock connection is checked (default 1,000 ms). */
  readonly heartbeatMs?: number;
}

function lostError(cause: unknown): LedgerError {
  return new LedgerError(
    'ledger.storage_failed',
    'The ledger lost its leader lock: another node takes over.',
    {
      cause,
      details: { path: 'advisory lock', op: 'hold', problem: 'leadership_lost' },
    },
  );
}

/**
 * Takes the ledger's advisory lock if it is free: the Leadership, or undefined when another
 * session holds it. Throws `ledger.storage_failed` when the database cannot be reached.
 */
export function tryLeadership(
  db: Kysely<Database>,
  options: LeadershipOptions,
): Promise<Leadership | undefined> {
  if (options.driver === 'pglite') {
    return Promise.resolve({
      db,
      pid: undefined,
      lost: new Promise<LedgerError>(() => undefined),
      check: () => undefined,
      release: () => Promise.resolve(),
    });
  }
  const heartbeatMs = options.heartbeatMs ?? 1_000;
  return new Promise((resolve, reject) => {
    let settled = false;
    const held = db.connection().execute(async (conn) => {
      const r = await sql<{ ok: boolean; pid: unknown }>`
        select pg_try_advisory_lock(${sql.lit(LEDGER_LOCK_CLASS)}, hashtext(current_schema())) as ok,
               pg_backend_pid() as pid`.execute(conn);
      const row = r.rows[0];
      if (row?.ok !== true) {
        settled = true;
        resolve(undefined);
        return;
      }
      const session = new LockSession(conn, toIndex(row.pid), heartbeatMs, () => held);
      settled = true;
      resolve(session);
      await session.ended;
      if (session.connectionLost) return;
      try {
        const u = await sql<{ ok: boolean }>`
          select pg_advisory_unlock(${sql.lit(LEDGER_LOCK_CLASS)}, hashtext(current_schema())) as ok`.execute(
          conn,
        );
        if (u.rows[0]?.ok === true) return;
      } catch {
        // fall through: make sure the lock does not go back to the pool
      }
      await sql`select pg_terminate_backend(pg_backend_pid())`.execute(conn).catch(() => undefined);
    });
    held.catch((err: unknown) => {
      if (!settled) reject(storageError(err, 'advisory lock', 'lock'));
    });
  });
}

class LockSession implements Leadership {
  readonly lost: Promise<LedgerError>;
  /** Resolves when the session is over (released or lost): the connection then goes back. */
  readonly ended: Promise<void>;
  connectionLost = false;
  #markLost!: (err: LedgerError) => void;
  #end!: () => void;
  #timer: NodeJS.Timeout | undefined;
  #checking = false;
  #over = false;

  constructor(
    readonly db: Kysely<Database>,
    readonly pid: number,
    heartbeatMs: number,
    private readonly returned: () => Promise<void>,
  ) {
    this.lost = new Promise((resolve) => {
      this.#markLost = resolve;
    });
    this.ended = new Promise((resolve) => {
      this.#end = resolve;
    });
    this.#timer = setInterval(() => {
      this.check();
    }, heartbeatMs);
    this.#timer.unref();
  }

  check(): void {
    if (this.#over || this.#checking) return;
    this.#checking = true;
    sql`select 1`
      .execute(this.db)
      .catch((err: unknown) => {
        if (this.#over) return;
        this.connectionLost = true;
        this.#finish();
        this.#markLost(lostError(err));
      })
      .finally(() => {
        this.#checking = false;
      });
  }

  #finish(): void {
    this.#over = true;
    clearInterval(this.#timer);
    this.#end();
  }

  async release(): Promise<void> {
    if (!this.#over) this.#finish();
    await this.returned().catch(() => undefined);
  }
}
