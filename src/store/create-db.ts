import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { RosterdError } from '../error/rosterd-error.js';
import { EventBus } from '../events/event-bus.js';
import { CurrentSchemaPostgresDialect } from './current-schema-postgres-dialect.js';
import { PgClient, type PgClientConfig } from './pg-client.js';
import type { Database } from './database.js';
import { dialectSupportFor, type DialectSupport } from './dialect-support.js';
import { lastEventSeqs } from './event-repository.js';
import { listenForEvents } from './pg-event-listener.js';
import { sqliteAuthGeneration } from './sqlite-auth-generation.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteReadWorkers } from './sqlite-read-workers.js';
import { WorkerSqliteDialect } from './worker-sqlite-dialect.js';
import { GroupCommit, type TryBeginImmediate, type WriteJob } from './group-commit.js';
import { registerSyncReader, type SyncReader } from './sync-reader.js';

export interface Store {
  readonly db: Kysely<Database>;
  /**
   * Run a write in a transaction of its own, or (SQLite) in a savepoint of a transaction shared with the writes
   * queued beside it. Either way the job's changes commit together or not at all.
   */
  writeTransaction<T>(job: WriteJob<T>): Promise<T>;
  readonly dialect: DialectSupport;
  /**
   * Where expensive reads run (filtered and paged lists): off the event loop and with a time limit, so that one
   * tenant's costly query neither holds other requests nor runs unbounded. SQLite: read-only connections in worker
   * threads (sqlite-read-workers.ts); PostgreSQL: a pool of its own whose statements the server cancels after the
   * limit (statement_timeout), so they never take the connections lookups and writes use. Reads only.
   */
  readonly heavyReads: Kysely<Database>;
  /** Whether applied changes write their events (config `events.enabled`). */
  readonly eventLog: boolean;
  /** Announces the commits of event-log entries to waiters in this process (long polls, webhook deliveries). */
  readonly events: EventBus;
  /**
   * PostgreSQL: announce on `events` the event commits of every other instance on the schema too (LISTEN), until
   * the returned function is called. A long-running gateway calls it; a CLI command has no one to wake. Absent on
   * SQLite, whose instances are one process (or one cluster, whose primary relays).
   */
  readonly listenForEvents?: (onError?: (error: Error) => void) => () => Promise<void>;
  /** A printable description with credentials removed. */
  readonly description: string;
  /**
   * SQLite only: a number that moves whenever an API key or a workspace's settings change, through this
   * connection or another process (`rosterd key revoke` in a shell, another HTTP worker): triggers keep it in
   * the `auth_generation` table. A cache of key lookups is exact when checked against it. Another process's
   * change is seen from the next turn of the event loop (sqlite-auth-generation.ts). Absent on PostgreSQL,
   * where reading it would cost the same round trip as the lookup it guards.
   */
  readonly authGeneration?: () => number;
  /** PostgreSQL schema the store lives in, when not the default search path. */
  readonly schema?: string;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** PostgreSQL only: the schema to use (created if missing). Tests give each suite its own. */
  schema?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** How long a read on `heavyReads` may run, in milliseconds. */
  heavyReadTimeoutMs?: number;
  /** Connections (PostgreSQL) or worker threads (SQLite) for `heavyReads`. */
  heavyReadConnections?: number;
  /**
   * SQLite only: checkpoint the WAL from a thread of its own (sqlite-checkpointer.ts) instead of inside the commit
   * that fills it. For a long-running gateway; a short CLI command does without the thread.
   */
  backgroundCheckpoints?: boolean;
  /** Write the event log with every applied change (config `events.enabled`); on unless false. */
  eventLog?: boolean;
  /**
   * SQLite only: create the file's directory when it is missing. Only for the default path (`./data`): a
   * configured path whose directory is missing is more likely a typo than a wish for a new, empty database.
   */
  createDirectory?: boolean;
}

const DEFAULT_HEAVY_READ_TIMEOUT_MS = 5_000;
/** Twice what one workspace may use at once by default (scim.budgets.heavyRequestsPerWorkspace): one tenant never holds them all. */
const DEFAULT_HEAVY_READ_CONNECTIONS = 4;

/** Open `sqlite:<path>` (or `sqlite::memory:`) or a `postgres://` / `postgresql://` URL. */
export async function createDb(url: string, options: CreateDbOptions = {}): Promise<Store> {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length), options);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, options);
  throw new RosterdError('ROSTERD_E_CONFIG', `database: "${redactUrl(url)}" is neither sqlite:<path> nor a postgres:// URL`);
}

function openSqlite(path: string, options: CreateDbOptions): Store {
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
  // Checkpoint the WAL every ~40 MiB instead of every 4 MiB: a pull's first cycle commits batches of thousands
  // of members, and a checkpoint (with its fsync) after each one cost a third of the apply. With a background
  // checkpointer this is only the backstop, at ~100 MiB.
  const checkpointer = options.backgroundCheckpoints && path !== ':memory:' ? new SqliteCheckpointer(path) : null;
  database.pragma(`wal_autocheckpoint = ${checkpointer ? 25_000 : 10_000}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  // The SCIM hot path's lookups read through a read-only connection of their own (WAL gives it the last committed
  // state): they never wait for a write transaction that holds the main connection across event-loop turns.
  const lookups = path === ':memory:' ? null : openLookupConnection(path);
  registerSyncReader(db, syncReader(lookups ?? database, lookups === null));
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
    authGeneration: sqliteAuthGeneration(database),
    dialect: dialectSupportFor('sqlite'),
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

/** How long a write waits for another process (a cluster worker, the CLI) to release SQLite's write lock. */
const BUSY_TIMEOUT_MS = 5_000;

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

/**
 * Reads outside a transaction (sync-reader.ts says when it declines). Its statements are its own, in raw mode:
 * better-sqlite3 builds a 44-column row object key by key, and an array turned into an object literal of a fixed
 * shape costs a third less (16 → 11 µs for a member lookup with its groups). Kysely's statements stay untouched.
 */
function syncReader(database: SQLite.Database, sharesWriter: boolean): SyncReader {
  const statements = new Map<string, { statement: SQLite.Statement; row: (values: unknown[]) => unknown }>();
  return (sql, parameters) => {
    if (sharesWriter && database.inTransaction) return undefined;
    let entry = statements.get(sql);
    if (!entry) {
      const statement = database.prepare(sql).raw(true);
      entry = { statement, row: rowMaker(statement.columns().map((column) => column.name)) };
      // Only preparedQuery's SQL comes here: a fixed handful of texts, so the map stays small.
      statements.set(sql, entry);
    }
    try {
      return (entry.statement.all(parameters) as unknown[][]).map(entry.row);
    } catch (error) {
      // A streamed query (an open iterator) holds the connection; Kysely's mutex waits for it to finish.
      if (error instanceof TypeError && /busy/i.test(error.message)) return undefined;
      throw error;
    }
  };
}

/** A function from a raw row to the object better-sqlite3 would have made: one literal, so every row shares a shape. */
function rowMaker(columns: readonly string[]): (values: unknown[]) => unknown {
  // Keys are JSON string literals, so no column name can inject code.
  return new Function('r', `return {${columns.map((name, i) => `${JSON.stringify(name)}: r[${i}]`).join(', ')}};`) as (values: unknown[]) => unknown;
}

/** Prepared statements kept per SQL text; the SCIM hot path runs a handful of distinct queries. */
const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely prepares every query afresh, and preparing costs better-sqlite3 more than running an indexed lookup.
 * Reuse prepared statements by SQL text (least recently used dropped first). A statement still being iterated
 * (a streamed query) is busy, so a second one is prepared for that call instead.
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
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

async function openPostgres(rawUrl: string, options: CreateDbOptions): Promise<Store> {
  // `?schema=name` on the URL selects a schema (several rosterd installations, or test runs, on one database).
  const parsedUrl = new URL(rawUrl);
  const schema = options.schema ?? parsedUrl.searchParams.get('schema') ?? undefined;
  // `?prepared_statements=false`: no named prepared statements (pg-client.ts), for a pooler that cannot keep them.
  const preparedStatements = parsedUrl.searchParams.get('prepared_statements');
  if (preparedStatements !== null && preparedStatements !== 'true' && preparedStatements !== 'false') {
    throw new RosterdError('ROSTERD_E_CONFIG', `database: prepared_statements=${preparedStatements} must be true or false`);
  }
  parsedUrl.searchParams.delete('schema');
  parsedUrl.searchParams.delete('prepared_statements');
  const url = parsedUrl.toString();
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new RosterdError('ROSTERD_E_CONFIG', `database schema "${schema}" must be lower-case letters, digits and _`);
  }
  const poolConfig: pg.PoolConfig & PgClientConfig = {
    // pg's client with COPY … FROM STDIN and named prepared statements (pg-client.ts); the pool passes it this config.
    Client: PgClient,
    namedStatements: preparedStatements !== 'false',
    connectionString: url,
    max: options.poolSize ?? 10,
    // COUNT(*) and bigserial come back as int8; every count we read fits in a JS number.
    types: { getTypeParser: ((oid: number, format?: string) => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  const pool = quietPool(poolConfig);
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`create schema if not exists ${schema}`);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new RosterdError('ROSTERD_E_DATABASE', `cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`);
  }
  const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
  const heavyPool = quietPool({
    ...poolConfig,
    max: options.heavyReadConnections ?? DEFAULT_HEAVY_READ_CONNECTIONS,
    statement_timeout: options.heavyReadTimeoutMs ?? DEFAULT_HEAVY_READ_TIMEOUT_MS,
  });
  const heavyReads = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool: heavyPool }) });
  const events = new EventBus();
  return {
    db,
    writeTransaction: (job) => db.transaction().execute(job),
    dialect: dialectSupportFor('postgres'),
    heavyReads,
    eventLog: options.eventLog ?? true,
    events,
    listenForEvents: (onError) => listenForEvents({ config: poolConfig, bus: events, resync: () => lastEventSeqs(db), ...(onError ? { onError } : {}) }),
    description: redactUrl(url) + (schema ? ` (schema ${schema})` : ''),
    ...(schema ? { schema } : {}),
    close: async () => {
      await heavyReads.destroy();
      await db.destroy();
    },
  };
}

/** A pool whose lost connections fail their own queries and never the process. */
function quietPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries report their own errors.
  });
  // A client that loses its connection while checked out (a query in flight) emits 'error' with no pool listener
  // attached: uncaught, that would end the process on a database restart. The query fails with the same error,
  // and the pool discards the broken client on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Remove the password from a database URL before it is printed or logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
