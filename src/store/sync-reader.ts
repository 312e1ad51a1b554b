/**
 * For preparedQuery's SELECTs on SQLite: Kysely's executor leaves garbage outliving requests. Undefined inside a
 * transaction (its uncommitted rows stay unseen) or while a stream holds the connection.
 */
export type SyncReader = (sql: string, parameters: readonly unknown[]) => unknown[] | undefined;

const readers = new WeakMap<object, SyncReader>();

/** Root instance only; transactions never match. */
export function registerSyncReader(db: object, reader: SyncReader): void {
  readers.set(db, reader);
}

export function syncReaderOf(db: object): SyncReader | undefined {
  return readers.get(db);
}
