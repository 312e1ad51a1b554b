import type { CompiledQuery, Compilable, Kysely } from 'kysely';
import type { Database } from './database.js';
import { dialectOf } from './dialect-support.js';
import { syncReaderOf } from './sync-reader.js';

/**
 * A query built and compiled once, then run with new parameters. Building and compiling a Kysely query costs
 * more than the indexed lookup it describes, and the SCIM hot path (authentication, a member by id, userName
 * or externalId) runs the same few queries on every request. The builder is given placeholder values; their
 * order of appearance is the order of the parameters passed to `run`. A query is compiled per Kysely instance
 * (a transaction may belong to another dialect's instance in tests), and only queries whose parameter count
 * is fixed belong here. A SELECT on a store with a synchronous reader (SQLite, outside a transaction) skips
 * Kysely's executor; its rows equal the ones the driver would have returned. The dialect is told of each
 * compiled text (`DialectSupport.preparedText`): PostgreSQL runs it as a named statement, planned once per connection.
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
    // Spelled out: `{ ...compiled, parameters }` costs a microsecond per query on Node 20 (see user-mapper.ts).
    const result = await db.executeQuery<R>({ query: compiled.query, queryId: compiled.queryId, sql: compiled.sql, parameters: params });
    return result.rows;
  };

  function compile(db: Kysely<Database>, count: number): CompiledQuery<R> {
    const compiled = build(db, ...placeholders).compile();
    if (compiled.parameters.length !== count) {
      throw new Error(`prepared query expects ${compiled.parameters.length} parameters, its builder was given ${count}`);
    }
    // Transactions share their parent's executor adapter, so the compiled SQL is right for them too.
    compiledFor.set(db.getExecutor().adapter, compiled);
    dialectOf(db).preparedText(compiled.sql);
    return compiled;
  }
}
