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
import { QueuedWriteDialect } from './queued-write-dialect.js';
import { sqliteAuthGeneration } from './sqlite-auth-generation.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteReadWorkers } from './sqlite-read-workers.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import { sqliteSupport } from './sqlite-support.js';
import { sqliteSyncReader } from './sqlite-sync-reader.js';
import { WorkerSqliteDialect } from './worker-sqlite-dialect.js';

const BUSY_TIMEOUT_MS = 5_000;

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
  // WAL: readers run during a commit, and NORMAL sync is crash-safe.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Keeps a large workspace's indexes in memory.
  database.pragma('cache_size = -32768');
  // Above the default, so a pull's batches do not each pay for a checkpoint; with the checkpointer, only a backstop.
  const checkpointer = options.backgroundCheckpoints && path !== ':memory:' ? new SqliteCheckpointer(path) : null;
  database.pragma(`wal_autocheckpoint = ${checkpointer ? 25_000 : 10_000}`);
  const direct = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const groupCommit = new GroupCommit(direct, tryBeginImmediate(database), { lockTimeoutMs: BUSY_TIMEOUT_MS });
  const db = new Kysely<Database>({ dialect: new QueuedWriteDialect(direct, (job) => groupCommit.run(job)) });
  // Hot-path lookups get a read-only connection, never waiting on a write transaction holding this one.
  const lookups = path === ':memory:' ? null : openLookupConnection(path);
  registerSyncReader(db, sqliteSyncReader(lookups ?? database, lookups === null));
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

/** Without the busy handler: see GroupCommit. */
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

function openLookupConnection(path: string): SQLite.Database {
  const connection = new SQLite(path, { readonly: true, fileMustExist: true });
  connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  connection.pragma('cache_size = -32768');
  return connection;
}
