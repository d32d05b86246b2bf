import type { Kysely, Selectable } from 'kysely';
import type { ContentRecordsTable, Database } from '../schema.js';
import type { ContentRecord, ListContentRecordsOptions, NewContentRecord, RecordScope } from '../types.js';

export const MAX_LIST_LIMIT = 500;
const DEFAULT_LIST_LIMIT = 100;

export interface ContentRecordRepository {
  /** Throws store.conflict (field 'produceId') for a taken produce id, store.not_found for an unknown tenant. */
  create(record: NewContentRecord): Promise<ContentRecord>;
  /** Tenant isolation: with `{ tenantId }`, another tenant's record is undefined. */
  get(produceId: string, scope: RecordScope): Promise<ContentRecord | undefined>;
  /** One tenant's records, newest first, at most 500 per call; page with `before`. */
  list(tenantId: string, options?: ListContentRecordsOptions): Promise<ContentRecord[]>;
}

function toNumber(value: string | number | bigint | null): number | null {
  return value === null ? null : Number(value);
}

function toContentRecord(row: Selectable<ContentRecordsTable>): ContentRecord {
  return {
    produceId: row.produce_id,
    tenantId: row.tenant_id,
    service: row.service,
    modality: row.modality,
    format: row.format,
    mediaType: row.media_type,
    inputSha256: row.input_sha256,
    outputSha256: row.output_sha256,
    inputBytes: toNumber(row.input_bytes),
    outputBytes: toNumber(row.output_bytes),
    label: row.label,
    createdAt: row.created_at,
    createdBy: row.created_by,
    action: row.action,
    previousLabel: row.previous_label,
    signingKeyId: row.signing_key_id,
  };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIST_LIMIT;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(limit)));
}

export function contentRecordRepository(db: Kysely<Database>): ContentRecordRepository {
  return {
    async create(record) {
      const row = await db
        .insertInto('content_records')
        .values({
          produce_id: record.produceId,
          tenant_id: record.tenantId,
          service: record.service,
          modality: record.modality,
          format: record.format,
          media_type: record.mediaType,
          input_sha256: record.inputSha256,
          output_sha256: record.outputSha256,
          input_bytes: record.inputBytes ?? null,
          output_bytes: record.outputBytes ?? null,
          label: JSON.stringify(record.label),
          created_at: record.createdAt ?? new Date(),
          created_by: record.createdBy ?? null,
          action: record.action ?? 'produce',
          previous_label: record.previousLabel ? JSON.stringify(record.previousLabel) : null,
          signing_key_id: record.signingKeyId ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toContentRecord(row);
    },

    async get(produceId, scope) {
      let query = db.selectFrom('content_records').selectAll().where('produce_id', '=', produceId);
      if (scope !== 'any') query = query.where('tenant_id', '=', scope.tenantId);
      const row = await query.executeTakeFirst();
      return row === undefined ? undefined : toContentRecord(row);
    },

    async list(tenantId, options = {}) {
      let query = db
        .selectFrom('content_records')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at', 'desc')
        .orderBy('produce_id', 'desc')
        .limit(clampLimit(options.limit));
      if (options.before !== undefined) query = query.where('created_at', '<', options.before);
      const rows = await query.execute();
      return rows.map(toContentRecord);
    },
  };
}
