import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import { OneConnectionSqliteDialect } from './one-connection-dialect.js';
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

/** Kysely over the read workers: each statement a read of its own, no transactions. */
export class WorkerSqliteDialect extends OneConnectionSqliteDialect {
  constructor(workers: SqliteReadWorkers) {
    super(new WorkerConnection(workers), { noTransactions: 'the read workers run reads only, outside transactions', destroy: () => workers.close() });
  }
}
