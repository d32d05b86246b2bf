import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { toStoreError } from '../errors.js';

/**
 * Wraps a dialect so that every error its driver throws goes through `toStoreError`: both
 * drivers (PGlite and node-postgres) get the same StoreError mapping, in one place, for the
 * repositories and for anyone querying `store.db` directly.
 */
export function withErrorMapping(dialect: Dialect): Dialect {
  return {
    createAdapter: (): DialectAdapter => dialect.createAdapter(),
    createDriver: (): Driver => new ErrorMappingDriver(dialect.createDriver()),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    createIntrospector: (db: Kysely<any>): DatabaseIntrospector => dialect.createIntrospector(db),
    createQueryCompiler: (): QueryCompiler => dialect.createQueryCompiler(),
  };
}

async function mapped<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw toStoreError(err);
  }
}

class MappedConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;

  constructor(inner: DatabaseConnection) {
    this.inner = inner;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return mapped(() => this.inner.executeQuery<R>(compiledQuery));
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(compiledQuery, chunkSize);
    } catch (err) {
      throw toStoreError(err);
    }
  }
}

function unwrap(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof MappedConnection ? connection.inner : connection;
}

class ErrorMappingDriver implements Driver {
  readonly #inner: Driver;

  constructor(inner: Driver) {
    this.#inner = inner;
  }

  init(): Promise<void> {
    return mapped(() => this.#inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new MappedConnection(await mapped(() => this.#inner.acquireConnection()));
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return mapped(() => this.#inner.beginTransaction(unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return mapped(() => this.#inner.commitTransaction(unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return mapped(() => this.#inner.rollbackTransaction(unwrap(connection)));
  }

  savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return mapped(async () => {
      if (this.#inner.savepoint === undefined) throw unsupported('savepoint');
      await this.#inner.savepoint(unwrap(connection), name, compile);
    });
  }

  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return mapped(async () => {
      if (this.#inner.rollbackToSavepoint === undefined) throw unsupported('rollbackToSavepoint');
      await this.#inner.rollbackToSavepoint(unwrap(connection), name, compile);
    });
  }

  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return mapped(async () => {
      if (this.#inner.releaseSavepoint === undefined) throw unsupported('releaseSavepoint');
      await this.#inner.releaseSavepoint(unwrap(connection), name, compile);
    });
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

function unsupported(method: string): Error {
  return new Error(`the wrapped Kysely driver does not implement ${method}`);
}
