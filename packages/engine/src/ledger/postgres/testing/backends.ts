/**
 * The databases a test of the ledger on PostgreSQL runs on: PGlite always, PostgreSQL when
 * reachable (fresh schema per database opened; dropped by `cleanup`).
 */
import { type Kysely, sql } from 'kysely';
import type { Database, Store, StoreDriver } from '@synthguard/store';
import { dropSchemas, freshSchema, openPGliteStore, openTestNode } from './databases.js';

export interface TestDatabase {
  readonly db: Kysely<Database>;
  readonly driver: StoreDriver;
  /** The schema (PostgreSQL) or undefined (PGlite). */
  readonly schema: string | undefined;
  close(): Promise<void>;
}

export interface Backend {
  readonly name: StoreDriver;
  open(): Promise<TestDatabase>;
  cleanup(): Promise<void>;
}

/** PGlite instances are slow to create: they are reused, emptied of ledger rows on each open. */
export function pgliteBackend(): Backend {
  const idle: Store[] = [];
  const all: Store[] = [];
  return {
    name: 'pglite',
    async open() {
      let store = idle.pop();
      if (store === undefined) {
        store = await openPGliteStore();
        all.push(store);
      }
      await sql`truncate ledger_journal, ledger_queue, ledger_queue_acks, ledger_tiles`.execute(store.db);
      const s = store;
      return {
        db: s.db,
        driver: 'pglite',
        schema: undefined,
        close: () => {
          idle.push(s);
          return Promise.resolve();
        },
      };
    },
    async cleanup() {
      idle.length = 0;
      for (const s of all.splice(0)) await s.close();
    },
  };
}

export function postgresBackend(url: string): Backend {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    async open() {
      const schema = freshSchema();
      schemas.push(schema);
      const node = await openTestNode(url, schema);
      return { db: node.db, driver: 'postgres', schema, close: () => node.close() };
    },
    cleanup: () => dropSchemas(url, schemas.splice(0)),
  };
}
