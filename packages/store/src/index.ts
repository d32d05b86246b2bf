export { type StoreErrorCode, StoreError } from './errors.js';
export { type StoreConfig, openStore } from './open.js';
export { type Store, type StoreDriver } from './store.js';
export type {
  ApiKeysTable,
  BigIntColumn,
  ContentRecordsTable,
  LedgerRecordsTable,
  LedgerSubjectKeysTable,
  RequiredBigIntColumn,
  SigningKeysTable,
  CreatedAtColumn,
  Database,
  JsonColumn,
  TenantsTable,
} from './schema.js';
export {
  API_KEY_ROLES,
  type ApiKey,
  type ApiKeyRole,
  type ContentAction,
  type ContentLabel,
  type ContentRecord,
  type LedgerSubjectKey,
  type ListContentRecordsOptions,
  type ListLedgerRecordsOptions,
  type NewLedgerRecord,
  type StoredLedgerRecord,
  type NewApiKey,
  type NewContentRecord,
  type NewSigningKey,
  SIGNING_KEY_ALGORITHMS,
  type SigningKeyAlgorithm,
  type SigningKeyRecord,
  type SigningKeyStatus,
  type NewTenant,
  type RecordScope,
  type Tenant,
  type TenantPatch,
} from './types.js';
export type { TenantRepository } from './repositories/tenants.js';
export type { ApiKeyRepository } from './repositories/api-keys.js';
export type { SigningKeyRepository } from './repositories/signing-keys.js';
export { type ContentRecordRepository, MAX_LIST_LIMIT } from './repositories/content-records.js';
export {
  type LedgerRecordRepository,
  type LedgerSubjectKeyRepository,
  MAX_LEDGER_LIST_LIMIT,
} from './repositories/ledger-records.js';
export { PGliteDialect } from './dialect/pglite-dialect.js';
export { MIGRATIONS } from './migrations.js';
