import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import type { SqliteReadWorkers } from './sqlite-read-workers.js';

/** Each statement is its own read; nothing is held between them. */
class WorkerConnection implements DatabaseConnection {
  constructor(private readonly workers: SqliteReadWorkers) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return { rows: (await this.workers.query(compiledQuery.sql, compiledQuery.parameters)) as R[] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the read workers do not stream; page the query instead');
  }
}

class WorkerDriver implements Driver {
  private readonly connection: WorkerConnection;

  constructor(private readonly workers: SqliteReadWorkers) {
    this.connection = new WorkerConnection(workers);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }

  async beginTransaction(): Promise<void> {
    throw new Error('the read workers run reads only, outside transactions');
  }

  async commitTransaction(): Promise<void> {}

  async rollbackTransaction(): Promise<void> {}

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    await this.workers.close();
  }
}

export class WorkerSqliteDialect implements Dialect {
  constructor(private readonly workers: SqliteReadWorkers) {}

  createDriver(): Driver {
    return new WorkerDriver(this.workers);
  }

  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }

  createAdapter() {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}
