// Wraps a Kysely dialect so that every statement is counted and every driver error is translated
// (see errors.ts) before it reaches the caller. Kysely plugins cannot see errors, so the wrapping
// happens one level down, on the driver and its connections.
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { mapDatabaseError } from './errors.ts';

export interface QueryCounter {
  count: number;
}

type CompileQuery = QueryCompiler['compileQuery'];

class InstrumentedConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly #counter: QueryCounter;
  readonly #name: string;

  constructor(inner: DatabaseConnection, counter: QueryCounter, name: string) {
    this.inner = inner;
    this.#counter = counter;
    this.#name = name;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    this.#counter.count++;
    try {
      return await this.inner.executeQuery<R>(query);
    } catch (error) {
      throw mapDatabaseError(error, this.#name);
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    this.#counter.count++;
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (error) {
      throw mapDatabaseError(error, this.#name);
    }
  }
}

class InstrumentedDriver implements Driver {
  readonly #inner: Driver;
  readonly #counter: QueryCounter;
  readonly #name: string;
  // One wrapper per underlying connection: Kysely recognises connections by identity.
  readonly #wrappers = new WeakMap<DatabaseConnection, InstrumentedConnection>();

  constructor(inner: Driver, counter: QueryCounter, name: string) {
    this.#inner = inner;
    this.#counter = counter;
    this.#name = name;
  }

  async #mapped<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw mapDatabaseError(error, this.#name);
    }
  }

  // The inner driver's transaction methods may rely on private state of its own connection class
  // (PGlite's does), so they always receive the unwrapped connection.
  #unwrap(connection: DatabaseConnection): DatabaseConnection {
    return connection instanceof InstrumentedConnection ? connection.inner : connection;
  }

  init(): Promise<void> {
    return this.#mapped(() => this.#inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.#mapped(() => this.#inner.acquireConnection());
    let wrapper = this.#wrappers.get(inner);
    if (wrapper === undefined) {
      wrapper = new InstrumentedConnection(inner, this.#counter, this.#name);
      this.#wrappers.set(inner, wrapper);
    }
    return wrapper;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    this.#counter.count++;
    return this.#mapped(() => this.#inner.beginTransaction(this.#unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.#counter.count++;
    return this.#mapped(() => this.#inner.commitTransaction(this.#unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.#counter.count++;
    return this.#mapped(() => this.#inner.rollbackTransaction(this.#unwrap(connection)));
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    const savepoint = this.#inner.savepoint?.bind(this.#inner);
    if (savepoint === undefined) throw new Error('savepoints are not supported by this driver');
    return savepoint(connection, name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    const rollback = this.#inner.rollbackToSavepoint?.bind(this.#inner);
    if (rollback === undefined) throw new Error('savepoints are not supported by this driver');
    return rollback(connection, name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    const release = this.#inner.releaseSavepoint?.bind(this.#inner);
    if (release === undefined) throw new Error('savepoints are not supported by this driver');
    return release(connection, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(this.#unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

/** `dialect`, with statement counting into `counter` and typed errors labelled with `name`. */
export function instrumentDialect(dialect: Dialect, counter: QueryCounter, name: string): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new InstrumentedDriver(dialect.createDriver(), counter, name),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
