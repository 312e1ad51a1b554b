import type { CompiledQuery, DatabaseConnection, Kysely, QueryResult } from 'kysely';
import type { Database } from '../../database.js';
import type { WriteJob } from '../../store.js';
import { OneConnectionSqliteDialect } from './one-connection-dialect.js';

/** Runs one job in the store's write transaction (the group commit). */
export type QueueWrite = <T>(job: WriteJob<T>) => Promise<T>;

const WRITE_NODES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);
const READ_SQL = /^\s*(select|explain|pragma|values)\b/i;
const WRITE_KEYWORD = /\b(insert|update|delete|replace)\b/i;

/** Whether a statement writes: built writes and schema changes do; raw SQL unless it reads (a WITH without a write verb). */
export function isWriteStatement(compiled: CompiledQuery): boolean {
  const kind = compiled.query.kind;
  if (WRITE_NODES.has(kind)) return true;
  if (kind === 'SelectQueryNode') return false;
  if (kind !== 'RawNode') return true;
  if (READ_SQL.test(compiled.sql)) return false;
  return !/^\s*with\b/i.test(compiled.sql) || WRITE_KEYWORD.test(compiled.sql);
}

/** Holds nothing: each statement takes the shared connection for itself, or joins the write queue. */
class QueuedWriteConnection implements DatabaseConnection {
  constructor(
    private readonly direct: Kysely<Database>,
    private readonly queueWrite: QueueWrite,
  ) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (isWriteStatement(compiled)) return this.queueWrite((trx) => trx.executeQuery<R>(compiled as CompiledQuery<R>));
    return this.direct.executeQuery<R>(compiled as CompiledQuery<R>);
  }

  streamQuery<R>(compiled: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.direct.getExecutor().stream<R>(compiled as CompiledQuery<R>, chunkSize ?? 100);
  }
}

/**
 * The store's `db` on SQLite: a write outside `writeTransaction` (an API key's last use, a plan's status) joins the
 * group commit instead of running alone, where SQLite's busy handler would block the whole process while another
 * process (a second worker, a CLI command) holds the write lock.
 */
export class QueuedWriteDialect extends OneConnectionSqliteDialect {
  constructor(direct: Kysely<Database>, queueWrite: QueueWrite) {
    super(new QueuedWriteConnection(direct, queueWrite), {
      noTransactions: 'on SQLite a write transaction is store.writeTransaction, which waits for the lock without blocking the process',
      destroy: () => direct.destroy(),
    });
  }
}
