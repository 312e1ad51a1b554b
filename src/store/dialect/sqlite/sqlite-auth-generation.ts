import type SQLite from 'better-sqlite3';

/**
 * Store.changeCounter, read at most once per event-loop turn: reads take file locks, so a turn's requests share one,
 * and the next turn sees changes made elsewhere. total_changes() (lock-free) shows our own writes at once.
 */
export function sqliteAuthGeneration(database: SQLite.Database): () => number {
  // Prepared at first use: migrations create the table after the store opens.
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
