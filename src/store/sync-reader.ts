/**
 * A database's synchronous read, for the few prepared SELECTs of the SCIM hot path (prepared-query.ts). On SQLite
 * better-sqlite3 answers synchronously, and going through Kysely's executor (its connection mutex, promise
 * chain and result plugins) cost a GET by id about a quarter of its garbage: every promise survived into the
 * next scavenge with the requests in flight. The reader answers `undefined` whenever Kysely must be used
 * instead: on a connection that also writes, inside a transaction (another request's write may hold it across
 * awaits, and its uncommitted rows must not be seen), or while a streamed query holds the connection. A file
 * database gives the reader a read-only connection of its own, which sees only what is committed.
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
