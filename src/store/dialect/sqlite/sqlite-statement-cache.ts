import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const STATEMENT_CACHE_SIZE = 512;

/** Kysely prepares each query anew, costlier than an indexed lookup: reuse by text (LRU), unless busy (streaming). */
export function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (!cached) {
        cache.set(sql, statement);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  } as SqliteDatabase;
}
