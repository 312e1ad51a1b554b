/**
 * A database's synchronous read, for the few prepared SELECTs of the SCIM hot path (prepared-query.ts), where the
 * driver answers synchronously (SQLite, dialect/sqlite/sqlite-sync-reader.ts): Kysely's executor (its connection
 * mutex, promise chain and result plugins) leaves garbage that outlives the requests in flight. The reader answers
 * `undefined` whenever Kysely must be used instead: on a connection that also writes, inside a transaction
 * (another request's write may hold it across awaits, and its uncommitted rows must not be seen), or while a
 * streamed query holds the connection.
 */
export type SyncReader = (sql: string, parameters: readonly unknown[]) => unknown[] | undefined;

const readers = new WeakMap<object, SyncReader>();

/** Called once by the store for its root Kysely instance; transactions are other instances and never match. */
export function registerSyncReader(db: object, reader: SyncReader): void {
  readers.set(db, reader);
}

export function syncReaderOf(db: object): SyncReader | undefined {
  return readers.get(db);
}
