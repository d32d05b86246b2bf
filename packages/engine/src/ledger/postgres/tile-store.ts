/**
 * A TileStore (@synthguard/ledger, log/tile-store.ts) in PostgreSQL: `ledger_tiles(path, data)`
 * keyed by the C2SP tlog-tiles path (https://c2sp.org/tlog-tiles). A write is one upsert,
 * atomic and durable at its commit; a reader sees the old bytes or the new ones.
 *
 * Tiles and entry bundles are a function of the entries below them, so whoever writes one writes
 * the same bytes. The checkpoint is not: the leader passes its lock connection as
 * `checkpointDb`, so a leader that lost the lock can never publish a checkpoint over its
 * successor's (see leadership.ts).
 */
import { type Kysely, sql } from 'kysely';
import { LedgerError, type TileStore, parseEntriesPath, parseTilePath } from '@synthguard/ledger';
import type { Database } from '@synthguard/store';
import { storageError, toBytes } from './storage.js';

export const CHECKPOINT_PATH = 'checkpoint';

export interface PostgresTileStoreOptions {
  /** Where the checkpoint is written (the leader's lock connection); default `db`. */
  readonly checkpointDb?: Kysely<Database>;
}

/**
 * Throws `ledger.invalid_path` unless `path` is `checkpoint` or a canonical tile or entry-bundle
 * path (the checks of fileTileStore).
 */
export function checkTilePath(path: string): void {
  if (path === CHECKPOINT_PATH) return;
  if (typeof path === 'string' && path.startsWith('tile/entries/')) parseEntriesPath(path);
  else parseTilePath(path);
}

/** A TileStore over `ledger_tiles`. Database failures become `ledger.storage_failed` / `ledger.storage_full`. */
export function postgresTileStore(db: Kysely<Database>, options: PostgresTileStoreOptions = {}): TileStore {
  const checkpointDb = options.checkpointDb ?? db;
  return {
    async read(path) {
      checkTilePath(path);
      try {
        const r = await sql<{ data: unknown }>`select data from ledger_tiles where path = ${path}`.execute(
          db,
        );
        const row = r.rows[0];
        return row === undefined ? undefined : copy(toBytes(row.data, path));
      } catch (err) {
        throw storageError(err, path, 'read');
      }
    },
    async write(path, data) {
      checkTilePath(path);
      if (!(data instanceof Uint8Array)) {
        throw new LedgerError('ledger.invalid_argument', 'Tile store data must be a Uint8Array.', {
          details: { field: 'data' },
        });
      }
      try {
        await sql`
          insert into ledger_tiles (path, data) values (${path}, ${data})
          on conflict (path) do update set data = excluded.data`.execute(
          path === CHECKPOINT_PATH ? checkpointDb : db,
        );
      } catch (err) {
        throw storageError(err, path, 'write');
      }
    },
    async remove(path) {
      checkTilePath(path);
      try {
        await sql`delete from ledger_tiles where path = ${path}`.execute(
          path === CHECKPOINT_PATH ? checkpointDb : db,
        );
      } catch (err) {
        throw storageError(err, path, 'remove');
      }
    },
  };
}

/** A plain Uint8Array (not a Buffer view into a pooled slab). */
function copy(data: Uint8Array): Uint8Array {
  return new Uint8Array(data);
}
