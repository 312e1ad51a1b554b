import type SQLite from 'better-sqlite3';
import type { SyncReader } from '../../sync-reader.js';

/**
 * `sharesWriter`: `database` also writes. Raw statements with fixed-shape row literals cost less than better-sqlite3's
 * objects.
 */
export function sqliteSyncReader(database: SQLite.Database, sharesWriter: boolean): SyncReader {
  const statements = new Map<string, { statement: SQLite.Statement; row: (values: unknown[]) => unknown }>();
  return (sql, parameters) => {
    if (sharesWriter && database.inTransaction) return undefined;
    let entry = statements.get(sql);
    if (!entry) {
      const statement = database.prepare(sql).raw(true);
      entry = { statement, row: rowMaker(statement.columns().map((column) => column.name)) };
      // Only preparedQuery's few texts come here.
      statements.set(sql, entry);
    }
    try {
      return (entry.statement.all(parameters) as unknown[][]).map(entry.row);
    } catch (error) {
      // A streamed query holds the connection; Kysely waits for it.
      if (error instanceof TypeError && /busy/i.test(error.message)) return undefined;
      throw error;
    }
  };
}

/** One literal: every row shares a shape. */
function rowMaker(columns: readonly string[]): (values: unknown[]) => unknown {
  // JSON string keys: no column name injects code.
  return new Function('r', `return {${columns.map((name, i) => `${JSON.stringify(name)}: r[${i}]`).join(', ')}};`) as (values: unknown[]) => unknown;
}
