import type SQLite from 'better-sqlite3';

/**
 * The SQLite store's `Store.changeCounter`: the `auth_generation` table's counter, which triggers move whenever
 * an API key or a workspace's settings change, read at most once per turn of the event loop.
 *
 * Every SCIM request asks for it, and each read outside a transaction is a transaction of its own, whose file
 * locks are system calls. Requests handled in one turn arrived together, so they share one reading; the next turn
 * reads again, which keeps "a revoked key is refused by the next request" true for changes made by other
 * processes (`rosterd key revoke`, another HTTP worker). A change made through this connection is seen at once:
 * `total_changes()` (a counter of this connection's writes, triggers included, read without any lock) says when
 * to read again within the turn.
 */
export function sqliteAuthGeneration(database: SQLite.Database): () => number {
  // Prepared at first use: the table exists only once migrations ran, after the store opened.
  let generation: SQLite.Statement | undefined;
  let ownWrites: SQLite.Statement | undefined;
  let current: number | undefined;
  let writesAtReading = -1;
  const forget = () => {
    current = undefined;
  };
  return () => {
    ownWrites ??= database.prepare('select total_changes()').pluck(true);
    const writes = ownWrites.get() as number;
    if (current === undefined || writes !== writesAtReading) {
      generation ??= database.prepare('select generation from auth_generation where id = 1').pluck(true);
      if (current === undefined) setImmediate(forget);
      current = generation.get() as number;
      writesAtReading = writes;
    }
    return current;
  };
}
