import { newUlid } from '@synthguard/core';
import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../errors.js';
import type { Database, TenantsTable } from '../schema.js';
import type { NewTenant, Tenant, TenantPatch } from '../types.js';

export interface TenantRepository {
  /** Throws store.conflict (details.field 'uscc' or 'id') when the USCC or id is taken. */
  create(tenant: NewTenant): Promise<Tenant>;
  get(id: string): Promise<Tenant | undefined>;
  /** All tenants, oldest first. */
  list(): Promise<Tenant[]>;
  /** Throws store.not_found when there is no such tenant. */
  update(id: string, patch: TenantPatch): Promise<Tenant>;
}

function toTenant(row: Selectable<TenantsTable>): Tenant {
  return {
    id: row.id,
    name: row.name,
    uscc: row.uscc,
    providerCode: row.provider_code,
    filingNumbers: row.filing_numbers,
    createdAt: row.created_at,
  };
}

export function tenantRepository(db: Kysely<Database>): TenantRepository {
  return {
    async create(tenant) {
      const createdAt = tenant.createdAt ?? new Date();
      const row = await db
        .insertInto('tenants')
        .values({
          id: tenant.id ?? newUlid(createdAt),
          name: tenant.name,
          uscc: tenant.uscc,
          provider_code: tenant.providerCode,
          filing_numbers: JSON.stringify(tenant.filingNumbers ?? []),
          created_at: createdAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toTenant(row);
    },

    async get(id) {
      const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toTenant(row);
    },

    async list() {
      const rows = await db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toTenant);
    },

    async update(id, patch) {
      const set = {
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.providerCode === undefined ? {} : { provider_code: patch.providerCode }),
        ...(patch.filingNumbers === undefined ? {} : { filing_numbers: JSON.stringify(patch.filingNumbers) }),
      };
      const row =
        Object.keys(set).length === 0
          ? await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst()
          : await db.updateTable('tenants').set(set).where('id', '=', id).returningAll().executeTakeFirst();
      if (row === undefined) throw notFound('tenant');
      return toTenant(row);
    },
  };
}
