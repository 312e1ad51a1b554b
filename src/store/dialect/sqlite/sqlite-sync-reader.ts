import type SQLite from 'better-sqlite3';
import type { SyncReader } from '../../sync-reader.js';

/**
 * Reads outside a transaction on `database` (sync-reader.ts says when it declines); `sharesWriter` when the
 * connection is also the one that writes. Its statements are its own, in raw mode, each row turned into an object
 * literal of a fixed shape, which costs less than the object better-sqlite3 builds key by key. Kysely's
 * statements stay untouched.
 */
export function sqliteSyncReader(database: SQLite.Database, sharesWriter: boolean): SyncReader {
  const statements = new Map<string, { statement: SQLite.Statement; row: (values: unknown[]) => unknown }>();
  return (sql, parameters) => {
    if (sharesWriter && database.inTransaction) return undefined;
    let entry = statements.get(sql);
    if (!entry) {
      const statement = database.prepare(sql).raw(true);
      entry = { statement, row: rowMaker(statement.columns().map((column) => column.name)) };
      // Only preparedQuery's SQL comes here: a fixed handful of texts, so the map stays small.
      statements.set(sql, entry);
    }
    try {
      return (entry.statement.all(parameters) as unknown[][]).map(entry.row);
    } catch (error) {
      // A streamed query (an open iterator) holds the connection; Kysely's mutex waits for it to finish.
      if (error instanceof TypeError && /busy/i.test(error.message)) return undefined;
      throw error;
    }
  };
}

/** A function from a raw row to the object better-sqlite3 would have made: one literal, so every row shares a shape. */
function rowMaker(columns: readonly string[]): (values: unknown[]) => unknown {
  // Keys are JSON string literals, so no column name can inject code.
  return new Function('r', `return {${columns.map((name, i) => `${JSON.stringify(name)}: r[${i}]`).join(', ')}};`) as (values: unknown[]) => unknown;
}
