import { type Kysely, sql } from 'kysely';
import { toUnavailable } from './errors.js';
import { type ApiKeyRepository, apiKeyRepository } from './repositories/api-keys.js';
import { type ContentRecordRepository, contentRecordRepository } from './repositories/content-records.js';
import {
  type LedgerRecordRepository,
  type LedgerSubjectKeyRepository,
  ledgerRecordRepository,
  ledgerSubjectKeyRepository,
} from './repositories/ledger-records.js';
import { type SigningKeyRepository, signingKeyRepository } from './repositories/signing-keys.js';
import { type TenantRepository, tenantRepository } from './repositories/tenants.js';
import type { Database } from './schema.js';

export type StoreDriver = 'pglite' | 'postgres';

export interface Store {
  readonly driver: StoreDriver;
  readonly db: Kysely<Database>;
  readonly tenants: TenantRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly contentRecords: ContentRecordRepository;
  readonly signingKeys: SigningKeyRepository;
  /** The rows behind the ledger's leaves (written only by the engine's `record()`). */
  readonly ledgerRecords: LedgerRecordRepository;
  readonly ledgerSubjectKeys: LedgerSubjectKeyRepository;
  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws.
   * Use only `tx` inside `fn` (on PGlite the outer store waits for the transaction to end).
   * Nested calls on `tx` use a savepoint. After a failed statement PostgreSQL aborts the
   * transaction: rethrow, don't carry on.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** SELECT 1. Throws store.unavailable. */
  ping(): Promise<void>;
  /** Closes the pool / PGlite instance so the process can exit. Idempotent; a no-op on a transaction. */
  close(): Promise<void>;
}

/** Builds a Store over `db`; `close` releases what the opener acquired. */
export function createStore(driver: StoreDriver, db: Kysely<Database>, close: () => Promise<void>): Store {
  let closing: Promise<void> | undefined;
  return storeOn(driver, db, 0, () => (closing ??= close()));
}

function storeOn(
  driver: StoreDriver,
  db: Kysely<Database>,
  depth: number,
  close: () => Promise<void>,
): Store {
  const store: Store = {
    driver,
    db,
    tenants: tenantRepository(db),
    apiKeys: apiKeyRepository(db),
    contentRecords: contentRecordRepository(db),
    signingKeys: signingKeyRepository(db),
    ledgerRecords: ledgerRecordRepository(db),
    ledgerSubjectKeys: ledgerSubjectKeyRepository(db),

    async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      if (depth === 0) {
        return db.transaction().execute((trx) => fn(storeOn(driver, trx, 1, noClose)));
      }
      const savepoint = sql.id(`synthguard_sp_${depth}`);
      await sql`savepoint ${savepoint}`.execute(db);
      try {
        const result = await fn(storeOn(driver, db, depth + 1, noClose));
        await sql`release savepoint ${savepoint}`.execute(db);
        return result;
      } catch (err) {
        await sql`rollback to savepoint ${savepoint}`.execute(db);
        throw err;
      }
    },

    async ping() {
      try {
        await sql`select 1`.execute(db);
      } catch (err) {
        throw toUnavailable(err);
      }
    },

    close,
  };
  return store;
}

function noClose(): Promise<void> {
  return Promise.resolve();
}
