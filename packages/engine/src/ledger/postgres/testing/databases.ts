/**
 * Databases for the tests of the ledger on PostgreSQL: a fresh schema per test on a real
 * PostgreSQL (skipped with a message when unreachable, unless the test file requires it), and
 * "nodes" with their own connection pools, as separate processes would have.
 */
import { randomBytes } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type Database, type Store, openStore } from '@synthguard/store';
import { type NoteSigner, generateNoteKey, parseSignerKey } from '@synthguard/ledger';

export const TEST_ORIGIN = 'test.synthguard.example/ledger';

export function buildSigner(origin = TEST_ORIGIN): NoteSigner {
  return parseSignerKey(generateNoteKey(origin).signerKey);
}

/** The URL without its password, for messages. */
export function shownUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** undefined when PostgreSQL answers `select 1` at `url`, else why not. */
export async function probePostgres(url: string): Promise<string | undefined> {
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

export function freshSchema(): string {
  return `synthguard_ledger_test_${randomBytes(6).toString('hex')}`;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export interface TestNode {
  readonly db: Kysely<Database>;
  readonly driver: 'postgres';
  close(): Promise<void>;
}

/**
 * Migrates `schema` (openStore), then opens a node on it: its own pg pool whose clients keep an
 * 'error' listener while checked out (without one node-postgres throws an unhandled 'error'
 * event when a backend such as the lock connection is terminated).
 */
export async function openTestNode(url: string, schema: string, maxConnections = 10): Promise<TestNode> {
  const store = await openStore({ driver: 'postgres', url, schema, maxConnections: 1 });
  await store.close();
  const pool = new pg.Pool({ connectionString: url, max: maxConnections, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw(`set search_path to ${quoteIdent(schema)}`));
      },
    }),
  });
  return { db, driver: 'postgres', close: () => db.destroy() };
}

/** A PGlite store in memory, migrated. */
export function openPGliteStore(): Promise<Store> {
  return openStore({ driver: 'pglite', dataDir: undefined });
}

export async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists ${quoteIdent(schema)} cascade`);
  } finally {
    await client.end();
  }
}
