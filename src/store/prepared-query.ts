import type { CompiledQuery, Compilable, Kysely } from 'kysely';
import type { Database } from './database.js';
import { dialectOf } from './dialect-support.js';
import { syncReaderOf } from './sync-reader.js';

/**
 * Compiled once, then run with new parameters: compiling costs more than a hot-path lookup. Fixed parameter counts
 * only, placeholders in parameter order. Per Kysely instance, as tests mix dialects.
 */
export function preparedQuery<P extends readonly unknown[], R>(
  build: (db: Kysely<Database>, ...placeholders: P) => Compilable<R>,
  placeholders: P,
): (db: Kysely<Database>, ...params: P) => Promise<R[]> {
  const compiledFor = new WeakMap<object, CompiledQuery<R>>();
  return async (db, ...params) => {
    const compiled = compiledFor.get(db.getExecutor().adapter) ?? compile(db, params.length);
    if (compiled.query.kind === 'SelectQueryNode') {
      const rows = syncReaderOf(db)?.(compiled.sql, params);
      if (rows) return rows as R[];
    }
    // Spelled out, not spread: this runs per query.
    const result = await db.executeQuery<R>({ query: compiled.query, queryId: compiled.queryId, sql: compiled.sql, parameters: params });
    return result.rows;
  };

  function compile(db: Kysely<Database>, count: number): CompiledQuery<R> {
    const compiled = build(db, ...placeholders).compile();
    if (compiled.parameters.length !== count) {
      throw new Error(`prepared query expects ${compiled.parameters.length} parameters, its builder was given ${count}`);
    }
    // Transactions share their parent's adapter, so this fits them.
    compiledFor.set(db.getExecutor().adapter, compiled);
    dialectOf(db).prepared(compiled);
    return compiled;
  }
}
