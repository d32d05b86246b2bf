import { type Kysely, type Selectable, sql } from 'kysely';
import { notFound } from '../errors.js';
import type { ApiKeysTable, Database } from '../schema.js';
import type { ApiKey, NewApiKey } from '../types.js';

export interface ApiKeyRepository {
  /** Throws store.conflict (field 'id') for a taken id, store.not_found for an unknown tenant. */
  create(key: NewApiKey): Promise<ApiKey>;
  get(id: string): Promise<ApiKey | undefined>;
  /** Keys of one tenant, or the installation-wide keys when `tenantId` is null; oldest first. */
  listByTenant(tenantId: string | null): Promise<ApiKey[]>;
  /** Marks the key revoked. Revoking twice keeps the first instant. Throws store.not_found. */
  revoke(id: string, at: Date): Promise<ApiKey>;
  /** Records a use of the key (last_used_at never moves backwards). Throws store.not_found. */
  touch(id: string, at: Date): Promise<void>;
  /** Number of admin keys that are not revoked (any tenant binding). */
  countAdmins(): Promise<number>;
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    role: row.role,
    scopes: row.scopes,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

export function apiKeyRepository(db: Kysely<Database>): ApiKeyRepository {
  return {
    async create(key) {
      const row = await db
        .insertInto('api_keys')
        .values({
          id: key.id,
          tenant_id: key.tenantId,
          name: key.name ?? null,
          role: key.role,
          scopes: JSON.stringify(key.scopes),
          secret_hash: key.secretHash,
          created_at: key.createdAt ?? new Date(),
          created_by: key.createdBy ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toApiKey(row);
    },

    async get(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toApiKey(row);
    },

    async listByTenant(tenantId) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('tenant_id', tenantId === null ? 'is' : '=', tenantId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toApiKey);
    },

    async revoke(id, at) {
      const row = await db
        .updateTable('api_keys')
        .set({ revoked_at: sql<Date>`coalesce(revoked_at, ${at})` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) throw notFound('api key');
      return toApiKey(row);
    },

    async touch(id, at) {
      const result = await db
        .updateTable('api_keys')
        // greatest() ignores NULL: the first touch sets it, later ones only move it forward.
        .set({ last_used_at: sql<Date>`greatest(last_used_at, ${at})` })
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('api key');
    },

    async countAdmins() {
      const row = await db
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
        .where('role', '=', 'admin')
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
