import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Prepared statements kept per SQL text; the SCIM hot path runs a handful of distinct queries. */
const STATEMENT_CACHE_SIZE = 512;

/**
 * The connection as Kysely's SqliteDialect sees it, reusing prepared statements by SQL text (least recently used
 * dropped first): Kysely prepares every query afresh, and preparing costs better-sqlite3 more than running an
 * indexed lookup. A statement still being iterated (a streamed query) is busy, so a second one is prepared for
 * that call instead.
 */
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
