import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, LedgerRecordsTable, LedgerSubjectKeysTable } from '../schema.js';
import type {
  LedgerSubjectKey,
  ListLedgerRecordsOptions,
  NewLedgerRecord,
  StoredLedgerRecord,
} from '../types.js';

export const MAX_LEDGER_LIST_LIMIT = 10_000;
const DEFAULT_LEDGER_LIST_LIMIT = 1_000;

/** The rows behind the ledger's leaves («03 The ledger»). The engine's `record()` is their only writer. */
export interface LedgerRecordRepository {
  /** Throws store.conflict (field 'id' or 'leafIndex') when either is taken. */
  create(record: NewLedgerRecord): Promise<StoredLedgerRecord>;
  get(id: string): Promise<StoredLedgerRecord | undefined>;
  getByIndex(leafIndex: number): Promise<StoredLedgerRecord | undefined>;
  /** A tenant's records with `from <= time < to`, by leaf index, at most 10,000 per call; page with `afterIndex`. */
  list(options: ListLedgerRecordsOptions): Promise<StoredLedgerRecord[]>;
  /** Drops the encrypted personal fields of every record of the subject; returns how many. */
  erasePersonal(subjectId: string): Promise<number>;
  /** Drops the encrypted personal fields of records with `retain_until <= now`; returns how many. */
  expirePersonal(now: Date): Promise<number>;
}

/** Per-subject keys (wrapped by the installation's master key) and their tombstones. */
export interface LedgerSubjectKeyRepository {
  get(subjectId: string): Promise<LedgerSubjectKey | undefined>;
  /** The subject's live key, its last use set to `at`; undefined when it has none (never had, or destroyed). */
  use(subjectId: string, at: Date): Promise<LedgerSubjectKey | undefined>;
  /**
   * Stores a new key for a subject that has no live one (none yet, or destroyed: re-keyed).
   * Returns undefined when a live key appeared meanwhile (a concurrent writer won: `use` it).
   */
  create(subjectId: string, wrappedKey: string, at: Date): Promise<LedgerSubjectKey | undefined>;
  /** Destroys the subject's key (crypto-shredding). False when it had no live key. */
  destroy(subjectId: string, at: Date): Promise<boolean>;
  /**
   * Destroys the keys that no record needs any more: no record of the subject still holds
   * personal fields, and the key was last used before `idleBefore` (so a record being written
   * with it is not cut off). Returns how many.
   */
  destroyUnused(at: Date, idleBefore: Date): Promise<number>;
  /** True when at least one key is live (the master key must then be the one that wrapped it). */
  hasLive(): Promise<boolean>;
}

function toRecord(row: Selectable<LedgerRecordsTable>): StoredLedgerRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    time: row.time,
    leafIndex: Number(row.leaf_index),
    leaf: row.leaf,
    subjectId: row.subject_id,
    opening: row.opening,
    personal: row.personal,
    retainUntil: row.retain_until,
  };
}

function toKey(row: Selectable<LedgerSubjectKeysTable>): LedgerSubjectKey {
  return {
    subjectId: row.subject_id,
    wrappedKey: row.wrapped_key,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    destroyedAt: row.destroyed_at,
  };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LEDGER_LIST_LIMIT;
  return Math.min(MAX_LEDGER_LIST_LIMIT, Math.max(1, Math.floor(limit)));
}

export function ledgerRecordRepository(db: Kysely<Database>): LedgerRecordRepository {
  return {
    async create(record) {
      const row = await db
        .insertInto('ledger_records')
        .values({
          id: record.id,
          tenant_id: record.tenantId,
          type: record.type,
          time: record.time,
          leaf_index: record.leafIndex,
          leaf: record.leaf,
          subject_id: record.subjectId ?? null,
          opening: record.opening ?? null,
          personal: record.personal ?? null,
          retain_until: record.retainUntil,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    },

    async get(id) {
      const row = await db.selectFrom('ledger_records').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async getByIndex(leafIndex) {
      const row = await db
        .selectFrom('ledger_records')
        .selectAll()
        .where('leaf_index', '=', leafIndex)
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async list(options) {
      let query = db
        .selectFrom('ledger_records')
        .selectAll()
        .where('time', '>=', options.from)
        .where('time', '<', options.to)
        .orderBy('leaf_index')
        .limit(clampLimit(options.limit));
      query =
        options.tenantId === null
          ? query.where('tenant_id', 'is', null)
          : query.where('tenant_id', '=', options.tenantId);
      if (options.afterIndex !== undefined) query = query.where('leaf_index', '>', options.afterIndex);
      const rows = await query.execute();
      return rows.map(toRecord);
    },

    async erasePersonal(subjectId) {
      const result = await db
        .updateTable('ledger_records')
        .set({ personal: null })
        .where('subject_id', '=', subjectId)
        .where('personal', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async expirePersonal(now) {
      const result = await db
        .updateTable('ledger_records')
        .set({ personal: null })
        .where('retain_until', '<=', now)
        .where('personal', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}

export function ledgerSubjectKeyRepository(db: Kysely<Database>): LedgerSubjectKeyRepository {
  return {
    async get(subjectId) {
      const row = await db
        .selectFrom('ledger_subject_keys')
        .selectAll()
        .where('subject_id', '=', subjectId)
        .executeTakeFirst();
      return row === undefined ? undefined : toKey(row);
    },

    async use(subjectId, at) {
      const row = await db
        .updateTable('ledger_subject_keys')
        .set({ last_used_at: at })
        .where('subject_id', '=', subjectId)
        .where('wrapped_key', 'is not', null)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toKey(row);
    },

    async create(subjectId, wrappedKey, at) {
      const row = await db
        .insertInto('ledger_subject_keys')
        .values({ subject_id: subjectId, wrapped_key: wrappedKey, created_at: at, last_used_at: at })
        .onConflict((oc) =>
          oc
            .column('subject_id')
            .doUpdateSet({ wrapped_key: wrappedKey, created_at: at, last_used_at: at, destroyed_at: null })
            .where('ledger_subject_keys.wrapped_key', 'is', null),
        )
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toKey(row);
    },

    async destroy(subjectId, at) {
      const result = await db
        .updateTable('ledger_subject_keys')
        .set({ wrapped_key: null, destroyed_at: at })
        .where('subject_id', '=', subjectId)
        .where('wrapped_key', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async destroyUnused(at, idleBefore) {
      const result = await db
        .updateTable('ledger_subject_keys')
        .set({ wrapped_key: null, destroyed_at: at })
        .where('wrapped_key', 'is not', null)
        .where('last_used_at', '<', idleBefore)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('ledger_records')
                .select(sql.lit(1).as('one'))
                .whereRef('ledger_records.subject_id', '=', 'ledger_subject_keys.subject_id')
                .where('ledger_records.personal', 'is not', null),
            ),
          ),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async hasLive() {
      const row = await db
        .selectFrom('ledger_subject_keys')
        .select('subject_id')
        .where('wrapped_key', 'is not', null)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
