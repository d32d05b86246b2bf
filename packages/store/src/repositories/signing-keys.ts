import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeysTable } from '../schema.js';
import type { NewSigningKey, SigningKeyRecord } from '../types.js';

export interface SigningKeyRepository {
  /**
   * Adds `key` as the tenant's active key and retires the previous active one, atomically (the
   * caller runs it in a transaction; a concurrent rotation loses with store.conflict).
   */
  activate(key: NewSigningKey): Promise<SigningKeyRecord>;
  get(kid: string): Promise<SigningKeyRecord | undefined>;
  active(tenantId: string): Promise<SigningKeyRecord | undefined>;
  /** One tenant's keys, newest first. */
  listByTenant(tenantId: string): Promise<SigningKeyRecord[]>;
  /** Every key of the installation, newest first (published at the well-known URL). */
  listAll(): Promise<SigningKeyRecord[]>;
}

function toRecord(row: Selectable<SigningKeysTable>): SigningKeyRecord {
  return {
    kid: row.kid,
    tenantId: row.tenant_id,
    alg: row.alg,
    publicKey: row.public_key,
    status: row.status,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
  };
}

export function signingKeyRepository(db: Kysely<Database>): SigningKeyRepository {
  return {
    async activate(key) {
      const at = key.createdAt ?? new Date();
      await db
        .updateTable('signing_keys')
        .set({ status: 'retired', retired_at: at })
        .where('tenant_id', '=', key.tenantId)
        .where('status', '=', 'active')
        .execute();
      const row = await db
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          tenant_id: key.tenantId,
          alg: key.alg,
          public_key: key.publicKey,
          status: 'active',
          created_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    },

    async get(kid) {
      const row = await db.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async active(tenantId) {
      const row = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'active')
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async listByTenant(tenantId) {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at', 'desc')
        .orderBy('kid')
        .execute();
      return rows.map(toRecord);
    },

    async listAll() {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('kid')
        .limit(10_000)
        .execute();
      return rows.map(toRecord);
    },
  };
}
