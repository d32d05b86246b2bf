import type { ColumnType } from 'kysely';
import type {
  ApiKeyRole,
  ContentAction,
  ContentLabel,
  SigningKeyAlgorithm,
  SigningKeyStatus,
} from './types.js';

/**
 * Kysely table types: snake_case, exactly as created by the migrations (migrations.ts).
 * Repositories translate rows to the camelCase domain objects in types.ts.
 */

/**
 * A jsonb column. Writes take JSON TEXT: node-postgres would serialize a JS array as a
 * PostgreSQL array literal (`{a,b}`), which is not JSON. Both drivers parse it on read.
 */
export type JsonColumn<T> = ColumnType<T, string, string>;

/** timestamptz with a database default (`now()`): optional on insert, immutable afterwards. */
export type CreatedAtColumn = ColumnType<Date, Date | undefined, never>;

/**
 * A nullable bigint. node-postgres returns int8 as a string, PGlite as a number (or a
 * bigint beyond 2^53); repositories convert with Number().
 */
export type BigIntColumn = ColumnType<
  string | number | bigint | null,
  number | null | undefined,
  number | null
>;

export interface TenantsTable {
  id: string;
  name: string;
  uscc: string;
  provider_code: string;
  filing_numbers: ColumnType<string[], string | undefined, string>;
  created_at: CreatedAtColumn;
}

export interface ApiKeysTable {
  id: string;
  /** null = an installation-wide key (not bound to a tenant). */
  tenant_id: string | null;
  name: string | null;
  role: ApiKeyRole;
  scopes: JsonColumn<string[]>;
  secret_hash: string;
  created_at: CreatedAtColumn;
  created_by: string | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface ContentRecordsTable {
  produce_id: string;
  tenant_id: string;
  service: string;
  modality: string;
  format: string;
  media_type: string;
  input_sha256: string;
  output_sha256: string;
  input_bytes: BigIntColumn;
  output_bytes: BigIntColumn;
  label: JsonColumn<ContentLabel>;
  created_at: CreatedAtColumn;
  created_by: string | null;
  action: ColumnType<ContentAction, ContentAction | undefined, never>;
  previous_label: ColumnType<ContentLabel | null, string | null | undefined, never>;
  signing_key_id: ColumnType<string | null, string | null | undefined, never>;
}

export interface SigningKeysTable {
  kid: string;
  tenant_id: string;
  alg: SigningKeyAlgorithm;
  /** DER SubjectPublicKeyInfo, base64url. */
  public_key: string;
  status: SigningKeyStatus;
  created_at: CreatedAtColumn;
  retired_at: Date | null;
}

/**
 * A non-null bigint: node-postgres returns int8 as a string, PGlite as a number (or a bigint
 * beyond 2^53); repositories convert with Number().
 */
export type RequiredBigIntColumn = ColumnType<string | number | bigint, number, number>;

export interface LedgerRecordsTable {
  id: string;
  /** null = an installation-wide event (no tenant). */
  tenant_id: string | null;
  type: string;
  time: ColumnType<Date, Date, never>;
  leaf_index: RequiredBigIntColumn;
  /** The leaf entry: canonical JSON text (RFC 8785), exactly the bytes appended to the log. */
  leaf: ColumnType<string, string, never>;
  /** HMAC-SHA-256 hex of the subject id, or null. */
  subject_id: ColumnType<string | null, string | null | undefined, never>;
  /** The commitment's opening as canonical JSON, for records without a subject. */
  opening: ColumnType<string | null, string | null | undefined, never>;
  /** The opening encrypted with the subject's key; null once erased or expired. */
  personal: ColumnType<string | null, string | null | undefined, null>;
  retain_until: ColumnType<Date, Date, never>;
}

export interface LedgerSubjectKeysTable {
  subject_id: string;
  /** The subject's AES-256 key wrapped with the installation's master key; null once destroyed. */
  wrapped_key: string | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
  last_used_at: ColumnType<Date, Date | undefined, Date>;
  destroyed_at: Date | null;
}

/** ledger_journal (0004): the PostgreSQL ledger's write-ahead log, one row per leaf index. */
export interface LedgerJournalTable {
  idx: RequiredBigIntColumn;
  entry: Uint8Array;
}

/** ledger_queue (0004): entries appended on a follower, waiting for the leader to journal them. */
export interface LedgerQueueTable {
  id: ColumnType<string | number | bigint, never, never>;
  entry: Uint8Array;
  enqueued_at: CreatedAtColumn;
}

/** ledger_queue_acks (0004): the leaf index a queued entry got (read and deleted by its follower). */
export interface LedgerQueueAcksTable {
  id: RequiredBigIntColumn;
  idx: RequiredBigIntColumn;
  acked_at: CreatedAtColumn;
}

/** ledger_tiles (0004): C2SP tlog-tiles files and the checkpoint, by tlog-tiles path. */
export interface LedgerTilesTable {
  path: string;
  data: Uint8Array;
}

export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  content_records: ContentRecordsTable;
  signing_keys: SigningKeysTable;
  ledger_records: LedgerRecordsTable;
  ledger_subject_keys: LedgerSubjectKeysTable;
  ledger_journal: LedgerJournalTable;
  ledger_queue: LedgerQueueTable;
  ledger_queue_acks: LedgerQueueAcksTable;
  ledger_tiles: LedgerTilesTable;
}
