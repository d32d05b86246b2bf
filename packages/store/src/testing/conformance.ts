import { type Migration, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrateToLatest } from '../migrations.js';
import type { Store } from '../store.js';
import { buildApiKey, buildContentRecord, buildTenant } from './builders.js';
import { repositoryConformance } from './conformance-repositories.js';

/**
 * Whether a second `openFn()` reaches the same database:
 * - 'none': no (in-memory PGlite);
 * - 'exclusive': yes, once the first store is closed (PGlite data directory);
 * - 'shared': yes, even while the first is open (PostgreSQL).
 */
export type StorePersistence = 'none' | 'exclusive' | 'shared';

/**
 * The behaviour every driver must show. Opens ONE store for the whole suite (PGlite opens
 * cost seconds): tests isolate themselves by unique ids, never by emptying tables.
 */
export function runStoreConformance(
  name: string,
  openFn: () => Promise<Store>,
  persistence: StorePersistence = 'none',
): void {
  describe(`store conformance: ${name}`, () => {
    let store: Store;
    const s = (): Store => store;

    beforeAll(async () => {
      store = await openFn();
    });
    afterAll(async () => {
      await store.close();
    });

    repositoryConformance(s);

    describe('transactions', () => {
      it('commits when fn resolves and returns its value', async () => {
        const result = await s().transaction(async (tx) => {
          const t = await tx.tenants.create(buildTenant());
          await tx.apiKeys.create(buildApiKey(t.id));
          expect(await tx.tenants.get(t.id)).toEqual(t);
          return t;
        });
        expect(await s().tenants.get(result.id)).toEqual(result);
        expect(await s().apiKeys.listByTenant(result.id)).toHaveLength(1);
      });

      it('rolls back every repository when fn throws, and rethrows the same error', async () => {
        const boom = new Error('boom');
        let tenantId = '';
        let produceId = '';
        const err = await s()
          .transaction(async (tx) => {
            tenantId = (await tx.tenants.create(buildTenant())).id;
            produceId = (await tx.contentRecords.create(buildContentRecord(tenantId))).produceId;
            throw boom;
          })
          .catch((e: unknown) => e);
        expect(err).toBe(boom);
        expect(await s().tenants.get(tenantId)).toBeUndefined();
        expect(await s().contentRecords.get(produceId, 'any')).toBeUndefined();
      });

      it('rolls back when a statement fails (conflict) and rethrows the StoreError', async () => {
        const existing = await s().tenants.create(buildTenant());
        let createdId = '';
        await expect(
          s().transaction(async (tx) => {
            createdId = (await tx.tenants.create(buildTenant())).id;
            await tx.tenants.create(buildTenant({ uscc: existing.uscc }));
          }),
        ).rejects.toMatchObject({ code: 'store.conflict', details: { field: 'uscc' } });
        expect(await s().tenants.get(createdId)).toBeUndefined();
      });

      it('nests with savepoints: an inner failure rolls back only the inner work', async () => {
        const { outer, inner } = await s().transaction(async (tx) => {
          const o = await tx.tenants.create(buildTenant());
          let i = '';
          await tx
            .transaction(async (nested) => {
              i = (await nested.tenants.create(buildTenant())).id;
              throw new Error('inner');
            })
            .catch(() => undefined);
          return { outer: o.id, inner: i };
        });
        expect(await s().tenants.get(outer)).toBeDefined();
        expect(await s().tenants.get(inner)).toBeUndefined();
      });

      it('exposes the transaction as tx.db and tx.driver', async () => {
        await s().transaction(async (tx) => {
          expect(tx.driver).toBe(s().driver);
          const row = await sql<{ n: number }>`select 1 as n`.execute(tx.db);
          expect(row.rows[0]?.n).toBe(1);
          await tx.ping();
        });
      });
    });

    describe('migrations', () => {
      it('are idempotent: nothing is pending on an open store', async () => {
        expect(await migrateToLatest(s().db)).toEqual([]);
      });

      it('a failing migration throws store.migration_failed and is rolled back', async () => {
        const broken: Migration = {
          async up(db) {
            await sql`create table conformance_never (x int)`.execute(db);
            throw new Error('broken on purpose');
          },
        };
        await expect(
          migrateToLatest(s().db, { migrations: { ...MIGRATIONS, '9999_conformance_broken': broken } }),
        ).rejects.toMatchObject({
          code: 'store.migration_failed',
          details: { migration: '9999_conformance_broken' },
        });
        const { rows } = await sql<{
          t: string | null;
        }>`select to_regclass('conformance_never')::text as t`.execute(s().db);
        expect(rows[0]?.t).toBeNull();
        expect(await migrateToLatest(s().db)).toEqual([]);
      });
    });

    describe('lifecycle', () => {
      it('pings', async () => {
        await expect(s().ping()).resolves.toBeUndefined();
      });

      it.runIf(persistence !== 'none')(
        'reopens the same database: data kept, no migration pending',
        async () => {
          const tenant = await s().tenants.create(buildTenant({ name: '上海某某网络科技有限公司' }));
          let reopened: Store;
          if (persistence === 'exclusive') {
            await store.close();
            reopened = await openFn();
            store = reopened;
          } else {
            // Two more openers at once, next to the open store: the advisory lock serializes them.
            const [a, b] = await Promise.all([openFn(), openFn()]);
            await b.close();
            reopened = a;
          }
          try {
            expect(await reopened.tenants.get(tenant.id)).toEqual(tenant);
            expect(await migrateToLatest(reopened.db)).toEqual([]);
          } finally {
            if (reopened !== store) await reopened.close();
          }
        },
      );

      it('close is idempotent and a closed store is unavailable', async () => {
        await store.close();
        await store.close();
        await expect(store.ping()).rejects.toMatchObject({ code: 'store.unavailable' });
      });
    });
  });
}
