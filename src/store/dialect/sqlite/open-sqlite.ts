import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { RosterdError } from '../../../error/rosterd-error.js';
import { EventBus } from '../../../events/event-bus.js';
import type { Database } from '../../database.js';
import { registerSyncReader } from '../../sync-reader.js';
import { DEFAULT_HEAVY_READ_CONNECTIONS, DEFAULT_HEAVY_READ_TIMEOUT_MS, type CreateDbOptions, type Store } from '../../store.js';
import { GroupCommit, type TryBeginImmediate } from './group-commit.js';
import { sqliteAuthGeneration } from './sqlite-auth-generation.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteReadWorkers } from './sqlite-read-workers.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import { sqliteSupport } from './sqlite-support.js';
import { sqliteSyncReader } from './sqlite-sync-reader.js';
import { WorkerSqliteDialect } from './worker-sqlite-dialect.js';

/** How long a write waits for another process (a cluster worker, the CLI) to release SQLite's write lock. */
const BUSY_TIMEOUT_MS = 5_000;

/** Open the SQLite file at `path` (or `:memory:`) as a store. */
export function openSqlite(path: string, options: CreateDbOptions): Store {
  if (!path) throw new RosterdError('ROSTERD_E_CONFIG', 'database: sqlite: needs a file path, e.g. sqlite:./data/rosterd.db');
  if (path !== ':memory:') {
    if (options.createDirectory) mkdirSync(dirname(path), { recursive: true });
    else if (!existsSync(dirname(path))) throw new RosterdError('ROSTERD_E_DATABASE', `cannot open SQLite database ${path}: the directory ${resolve(dirname(path))} does not exist; create it, or fix the database setting`);
  }
  let database: SQLite.Database;
  try {
    database = new SQLite(path);
  } catch (error) {
    throw new RosterdError('ROSTERD_E_DATABASE', `cannot open SQLite database ${path}: ${(error as Error).message}`);
  }
  // WAL lets readers run while one writer commits; NORMAL sync is durable across process crashes in WAL mode.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // 32 MiB of page cache (the default is 2 MiB): the membership indexes of a large workspace stay in memory.
  database.pragma('cache_size = -32768');
  // Checkpoint the WAL every ~40 MiB instead of every 4 MiB, so a pull's large batches do not each pay for one.
  // With a background checkpointer this is only the backstop, at ~100 MiB.
  const checkpointer = options.backgroundCheckpoints && path !== ':memory:' ? new SqliteCheckpointer(path) : null;
  database.pragma(`wal_autocheckpoint = ${checkpointer ? 25_000 : 10_000}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  // The SCIM hot path's lookups read through a read-only connection of their own (WAL gives it the last committed
  // state): they never wait for a write transaction that holds the main connection across event-loop turns.
  const lookups = path === ':memory:' ? null : openLookupConnection(path);
  registerSyncReader(db, sqliteSyncReader(lookups ?? database, lookups === null));
  const groupCommit = new GroupCommit(db, tryBeginImmediate(database), { lockTimeoutMs: BUSY_TIMEOUT_MS });
  // An in-memory database exists only on its own connection: its expensive reads stay there.
  const heavyReads =
    path === ':memory:'
      ? db
      : new Kysely<Database>({
          dialect: new WorkerSqliteDialect(
            new SqliteReadWorkers(path, options.heavyReadConnections ?? DEFAULT_HEAVY_READ_CONNECTIONS, options.heavyReadTimeoutMs ?? DEFAULT_HEAVY_READ_TIMEOUT_MS),
          ),
        });
  return {
    db,
    writeTransaction: (job) => groupCommit.run(job),
    changeCounter: sqliteAuthGeneration(database),
    dialect: sqliteSupport,
    heavyReads,
    eventLog: options.eventLog ?? true,
    events: new EventBus(),
    description: `sqlite:${path}`,
    close: async () => {
      if (heavyReads !== db) await heavyReads.destroy();
      lookups?.close();
      await checkpointer?.close();
      await db.destroy();
    },
  };
}

/**
 * BEGIN IMMEDIATE without SQLite's busy handler, which would sleep inside the call (blocking the event loop)
 * while another process holds the write lock: the group commit waits between event-loop turns instead.
 */
function tryBeginImmediate(database: SQLite.Database): TryBeginImmediate {
  const noWait = database.prepare('pragma busy_timeout = 0');
  const wait = database.prepare(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const begin = database.prepare('begin immediate');
  return () => {
    noWait.run();
    try {
      begin.run();
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return false;
      throw error;
    } finally {
      wait.run();
    }
  };
}

/** A read-only connection to the database file, with the main connection's page cache size. */
function openLookupConnection(path: string): SQLite.Database {
  const connection = new SQLite(path, { readonly: true, fileMustExist: true });
  connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  connection.pragma('cache_size = -32768');
  return connection;
}
