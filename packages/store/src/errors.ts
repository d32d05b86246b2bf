import { AppError } from '@synthguard/core';

export type StoreErrorCode =
  'store.not_found' | 'store.conflict' | 'store.unavailable' | 'store.migration_failed';

export class StoreError extends AppError<StoreErrorCode> {}

/** The entity and camelCase field behind each named constraint of the schema (see migrations.ts). */
const CONSTRAINTS: Readonly<Record<string, { entity: string; field: string }>> = {
  tenants_pkey: { entity: 'tenant', field: 'id' },
  tenants_uscc_key: { entity: 'tenant', field: 'uscc' },
  api_keys_pkey: { entity: 'apiKey', field: 'id' },
  api_keys_tenant_id_fkey: { entity: 'tenant', field: 'tenantId' },
  content_records_pkey: { entity: 'contentRecord', field: 'produceId' },
  content_records_tenant_id_fkey: { entity: 'tenant', field: 'tenantId' },
  signing_keys_pkey: { entity: 'signingKey', field: 'kid' },
  signing_keys_tenant_id_fkey: { entity: 'tenant', field: 'tenantId' },
  signing_keys_one_active_idx: { entity: 'signingKey', field: 'status' },
  ledger_records_pkey: { entity: 'ledgerRecord', field: 'id' },
  ledger_records_leaf_index_key: { entity: 'ledgerRecord', field: 'leafIndex' },
  ledger_subject_keys_pkey: { entity: 'ledgerSubjectKey', field: 'subjectId' },
};

/** Node socket errors that mean "no usable connection". */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * SQLSTATEs that mean the server cannot serve us (PostgreSQL Appendix A): class 08
 * connection_exception, 57P01-57P03 shutdown / cannot_connect_now, 53300 too_many_connections,
 * 3D000 invalid_catalog_name (no such database), 28xxx invalid authorization.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '3D000', '28000', '28P01']);

/** Messages of errors thrown without a code by pg, pg-pool, PGlite and Kysely. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout expired/,
  /^timeout exceeded when trying to connect/,
  /^Cannot use a pool after calling end/,
  /^Client has encountered a connection error/,
  /^PGlite is closed/,
  /^driver has already been destroyed/,
];

function stringProp(err: object, key: string): string | undefined {
  const value = (err as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * THE one place where driver errors (node-postgres and PGlite alike) become StoreErrors:
 * unique violations (SQLSTATE 23505) become `store.conflict`, foreign-key violations (23503)
 * on insert become `store.not_found` (the referenced tenant does not exist), and connection
 * failures become `store.unavailable`. Anything else is returned unchanged.
 *
 * Messages and details never carry the offending value (PostgreSQL puts it in `detail`).
 */
export function toStoreError(err: unknown): unknown {
  if (err instanceof AppError || typeof err !== 'object' || err === null) return err;
  const code = stringProp(err, 'code');
  const constraint = stringProp(err, 'constraint');
  const known = constraint === undefined ? undefined : CONSTRAINTS[constraint];
  if (code === '23505') {
    const what = known?.entity ?? 'row';
    const field = known?.field ?? 'unknown';
    return new StoreError(
      'store.conflict',
      `A ${what} with the same ${field} already exists: choose another value or fetch the existing one.`,
      { cause: err, details: { entity: what, field } },
    );
  }
  if (code === '23503') {
    return new StoreError(
      'store.not_found',
      `The referenced ${known?.entity ?? 'row'} does not exist: create it first or check the id.`,
      { cause: err, details: { entity: known?.entity ?? 'unknown', field: known?.field ?? 'unknown' } },
    );
  }
  if (isConnectionFailure(err, code)) {
    return new StoreError(
      'store.unavailable',
      'The database is unavailable: check that it is running and reachable, then retry.',
      { cause: err },
    );
  }
  return err;
}

function isConnectionFailure(err: object, code: string | undefined): boolean {
  if (code !== undefined) {
    if (CONNECTION_ERRNOS.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  // A trapped PGlite WASM instance (WebAssembly.RuntimeError) cannot run another query.
  if (stringProp(err, 'name') === 'RuntimeError') return true;
  const message = stringProp(err, 'message') ?? '';
  return UNAVAILABLE_MESSAGES.some((re) => re.test(message));
}

/** Like toStoreError, but anything that is not already a StoreError counts as unavailable. */
export function toUnavailable(err: unknown): StoreError {
  const mapped = toStoreError(err);
  if (mapped instanceof StoreError) return mapped;
  return new StoreError(
    'store.unavailable',
    'The database is unavailable: check that it is running and reachable, then retry.',
    { cause: err },
  );
}

export function notFound(entity: string): StoreError {
  return new StoreError('store.not_found', `No ${entity} with this id: check the id.`, {
    details: { entity },
  });
}
