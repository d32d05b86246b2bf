import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './open.js';
import type { Store } from './store.js';
import { buildTenant } from './testing/builders.js';
import { runStoreConformance } from './testing/conformance.js';

const url = process.env.SYNTHGUARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = process.env.SYNTHGUARD_REQUIRE_POSTGRES === '1';

/** The URL without its password, for messages. */
function shown(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** undefined when PostgreSQL answers `select 1`, else why not. */
async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const problem = await probe();
if (problem !== undefined && !required) {
  console.warn(
    `PostgreSQL not reachable at ${shown(url)}: skipping the PostgreSQL conformance suite (${problem}). ` +
      'Set SYNTHGUARD_TEST_DATABASE_URL to point at one, or SYNTHGUARD_REQUIRE_POSTGRES=1 to fail instead.',
  );
}

function freshSchema(): string {
  return `synthguard_test_${randomBytes(6).toString('hex')}`;
}

const schemas: string[] = [];
function openIn(schema: string, maxConnections?: number): Promise<Store> {
  if (!schemas.includes(schema)) schemas.push(schema);
  return openStore({
    driver: 'postgres',
    url,
    schema,
    ...(maxConnections === undefined ? {} : { maxConnections }),
  });
}

afterAll(async () => {
  if (problem !== undefined || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
});

describe.runIf(required)('PostgreSQL availability (SYNTHGUARD_REQUIRE_POSTGRES=1)', () => {
  it(`reaches ${shown(url)}`, () => {
    expect(problem).toBeUndefined();
  });
});

describe.skipIf(problem !== undefined)('postgres', () => {
  const schema = freshSchema();
  runStoreConformance(`postgres (schema ${schema})`, () => openIn(schema), 'shared');

  it('migrates once when several processes open a fresh database at once', async () => {
    const fresh = freshSchema();
    const stores = await Promise.all([
      openIn(fresh, 2),
      openIn(fresh, 2),
      openIn(fresh, 2),
      openIn(fresh, 2),
    ]);
    try {
      const tenant = await stores[0].tenants.create(buildTenant());
      for (const store of stores) expect(await store.tenants.get(tenant.id)).toEqual(tenant);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('works with a single pooled connection (transactions included)', async () => {
    const store = await openIn(freshSchema(), 1);
    try {
      const tenant = await store.transaction((tx) => tx.tenants.create(buildTenant()));
      expect(await store.tenants.get(tenant.id)).toEqual(tenant);
    } finally {
      await store.close();
    }
  });

  it('keeps schemas apart: a store in another schema does not see the data', async () => {
    const [a, b] = await Promise.all([openIn(freshSchema()), openIn(freshSchema())]);
    try {
      const tenant = await a.tenants.create(buildTenant());
      expect(await b.tenants.get(tenant.id)).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('throws store.migration_failed when the schema holds a conflicting table', async () => {
    const fresh = freshSchema();
    schemas.push(fresh);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`create schema "${fresh}"; create table "${fresh}".tenants (x int)`);
    } finally {
      await client.end();
    }
    await expect(openStore({ driver: 'postgres', url, schema: fresh })).rejects.toMatchObject({
      code: 'store.migration_failed',
      details: { migration: '0001_initial' },
    });
  });
});

describe('postgres without a server', () => {
  it('openStore throws store.unavailable when nothing listens', async () => {
    await expect(
      openStore({ driver: 'postgres', url: 'postgres://postgres@127.0.0.1:1/test', schema: 'unused' }),
    ).rejects.toMatchObject({ code: 'store.unavailable' });
  });
});
