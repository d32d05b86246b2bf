/**
 * Shared pieces of the ledger on PostgreSQL: row value conversion (node-postgres returns int8 as
 * a string and bytea as a Buffer, PGlite as a number and a Uint8Array) and the mapping of
 * database failures to the log's storage errors.
 */
import { isAppError } from '@synthguard/core';
import { LedgerError, type LogOptions } from '@synthguard/ledger';

/**
 * The `Journal` interface of @synthguard/ledger (log/journal.ts), which its index does not
 * export yet: the type openLog's `journal` option resolves to.
 */
export type Journal = Awaited<ReturnType<NonNullable<LogOptions['journal']>>>;

/** SQLSTATE 53100 disk_full (PostgreSQL Appendix A, class 53 insufficient resources). */
const DISK_FULL = '53100';

/** A bigint column value (string, number or bigint) as a safe integer. */
export function toIndex(value: unknown): number {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new LedgerError('ledger.corrupt', 'The ledger tables hold an index that is not a safe integer.', {
      details: { path: 'ledger_journal', problem: 'bad index' },
    });
  }
  return n;
}

/** A bytea value as a Uint8Array (a Buffer is one already; anything else is refused). */
export function toBytes(value: unknown, path: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new LedgerError('ledger.corrupt', 'The ledger tables hold a value that is not bytes.', {
    details: { path, problem: 'not bytea' },
  });
}

function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A database failure as `ledger.storage_full` (SQLSTATE 53100) or `ledger.storage_failed`
 * (details: path, the table or tlog-tiles path; op; store, the store's error code if any).
 * A LedgerError passes unchanged.
 */
export function storageError(err: unknown, path: string, op: string): LedgerError {
  if (err instanceof LedgerError) return err;
  const state = sqlState(err);
  const store = isAppError(err) ? err.code : undefined;
  const details = {
    path,
    op,
    ...(state === undefined ? {} : { sqlstate: state }),
    ...(store === undefined ? {} : { store }),
  };
  if (state === DISK_FULL) {
    return new LedgerError(
      'ledger.storage_full',
      'The database is out of disk space: free space, then retry.',
      {
        cause: err,
        details,
      },
    );
  }
  return new LedgerError(
    'ledger.storage_failed',
    'The ledger could not read or write the database: retry later.',
    {
      cause: err,
      details,
    },
  );
}
