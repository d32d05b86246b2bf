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

export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  content_records: ContentRecordsTable;
  signing_keys: SigningKeysTable;
}
