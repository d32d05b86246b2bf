import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './dialect/pglite-dialect.js';
import { withErrorMapping } from './dialect/error-mapping.js';
import { toUnavailable } from './errors.js';
import { migrateToLatest } from './migrations.js';
import { lockDataDir } from './pglite-lock.js';
import type { Database } from './schema.js';
import { type Store, createStore } from './store.js';

export type StoreConfig =
  | {
      driver: 'pglite';
      /** Data directory on disk (created if missing); undefined = in-memory, for tests. */
      dataDir: string | undefined;
    }
  | {
      driver: 'postgres';
      /** postgres://user:password@host:port/database */
      url: string;
      /** Schema to live in: created if missing and set as search_path on every pooled connection. */
      schema?: string;
      /** Pool size, default 10. */
      maxConnections?: number;
    };

/**
 * Opens a store and applies pending migrations (idempotent; concurrent openers of one
 * PostgreSQL database serialize on an advisory lock).
 *
 * Throws store.unavailable (cannot connect, data directory in use) or store.migration_failed.
 */
export async function openStore(config: StoreConfig): Promise<Store> {
  return config.driver === 'pglite' ? openPGlite(config.dataDir) : openPostgres(config);
}

/**
 * Durability of the embedded default (see README.md): PGlite runs PostgreSQL with
 * fsync=off and its Node filesystem never calls fsync. A committed transaction is handed to
 * the OS before the commit returns, so it survives a crash or kill -9 of this process, but
 * NOT a kernel crash or power loss (the page cache may not have reached the disk). One
 * process per data directory: a lock file refuses a second opener.
 */
async function openPGlite(dataDir: string | undefined): Promise<Store> {
  let release: (() => void) | undefined;
  let pglite: PGlite;
  try {
    release = dataDir === undefined ? undefined : lockDataDir(dataDir);
    pglite = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  } catch (err) {
    release?.();
    throw toUnavailable(err);
  }
  const db = new Kysely<Database>({ dialect: withErrorMapping(new PGliteDialect(pglite)) });
  const close = async (): Promise<void> => {
    try {
      await db.destroy();
      await pglite.close();
    } finally {
      release?.();
    }
  };
  try {
    await migrateToLatest(db);
  } catch (err) {
    await close();
    throw err;
  }
  return createStore('pglite', db, close);
}

async function openPostgres(config: Extract<StoreConfig, { driver: 'postgres' }>): Promise<Store> {
  const { schema } = config;
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its server emits 'error' on the pool; without a listener Node
  // would crash the process. The next query fails and maps to store.unavailable instead.
  pool.on('error', () => undefined);
  // A server-side end of a checked-out connection (failover, pg_terminate_backend) emits 'error'
  // on the client: without a listener the process would crash. The query in flight still fails,
  // and the pool discards the dead client when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Database>({
    dialect: withErrorMapping(
      new PostgresDialect({
        pool,
        ...(schema === undefined
          ? {}
          : {
              onCreateConnection: async (connection) => {
                await connection.executeQuery(CompiledQuery.raw(`set search_path to ${quoteIdent(schema)}`));
              },
            }),
      }),
    ),
  });
  try {
    await migrateToLatest(db, { schema });
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return createStore('postgres', db, () => db.destroy());
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
