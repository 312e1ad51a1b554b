import type { Kysely } from 'kysely';
import type { EventBus } from '../events/event-bus.js';
import type { Database } from './database.js';
import type { DialectSupport } from './dialect-support.js';

/** A write run by `Store.writeTransaction`, given the transaction's Kysely instance. */
export type WriteJob<T> = (trx: Kysely<Database>) => Promise<T>;

/** An open database, whichever dialect runs it (create-db.ts opens one by URL). */
export interface Store {
  readonly db: Kysely<Database>;
  /**
   * Run a write in a transaction of its own, or in a savepoint of a transaction shared with the writes queued
   * beside it (SQLite's group commit). Either way the job's changes commit together or not at all.
   */
  writeTransaction<T>(job: WriteJob<T>): Promise<T>;
  readonly dialect: DialectSupport;
  /**
   * Where expensive reads run (filtered and paged lists): off the event loop and with a time limit, so that one
   * tenant's costly query neither holds other requests nor runs unbounded. SQLite: read-only connections in worker
   * threads; PostgreSQL: a pool of its own whose statements the server cancels after the limit. Reads only.
   */
  readonly heavyReads: Kysely<Database>;
  /** Whether applied changes write their events (config `events.enabled`). */
  readonly eventLog: boolean;
  /** Announces the commits of event-log entries to waiters in this process (long polls, webhook deliveries). */
  readonly events: EventBus;
  /**
   * Announce on `events` the event commits of every other instance on the database too, until the returned
   * function is called. A long-running gateway calls it; a CLI command has no one to wake. Absent where the
   * instances are one process (or one cluster, whose primary relays).
   */
  readonly listenForEvents?: (onError?: (error: Error) => void) => () => Promise<void>;
  /** A printable description with credentials removed. */
  readonly description: string;
  /**
   * A number that moves whenever an API key or a workspace's settings change, through this connection or another
   * process, seen from the next turn of the event loop at the latest. A cache of key lookups is exact when checked
   * against it. Absent where reading it would cost as much as the lookup it guards.
   */
  readonly changeCounter?: () => number;
  /** The PostgreSQL schema the store lives in, when not the default search path. */
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
   * SQLite only: checkpoint the WAL from a thread of its own instead of inside the commit that fills it. For a
   * long-running gateway; a short CLI command does without the thread.
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

/** How long a read on `heavyReads` runs unless `heavyReadTimeoutMs` says otherwise. */
export const DEFAULT_HEAVY_READ_TIMEOUT_MS = 5_000;

/** Twice what one workspace may use at once by default (scim.budgets.heavyRequestsPerWorkspace): one tenant never holds them all. */
export const DEFAULT_HEAVY_READ_CONNECTIONS = 4;
