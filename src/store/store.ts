import type { Kysely } from 'kysely';
import type { EventBus } from '../events/event-bus.js';
import type { Database } from './database.js';
import type { DialectSupport } from './dialect-support.js';

export type WriteJob<T> = (trx: Kysely<Database>) => Promise<T>;

/** An open database, whichever dialect runs it. */
export interface Store {
  readonly db: Kysely<Database>;
  /**
   * Its own transaction, or a savepoint in one shared with queued writes: any write on SQLite, writes of the same
   * `workspaceId` on PostgreSQL. All or nothing either way.
   */
  writeTransaction<T>(job: WriteJob<T>, workspaceId?: string): Promise<T>;
  readonly dialect: DialectSupport;
  /** Costly reads, off the event loop and time-limited, so one tenant cannot hold others up. */
  readonly heavyReads: Kysely<Database>;
  /** Config `events.enabled`. */
  readonly eventLog: boolean;
  /** Wakes this process's waiters on event commits (long polls, webhooks). */
  readonly events: EventBus;
  /**
   * Also announce other instances' event commits, until stopped; absent where instances share a process. On
   * PostgreSQL the same connection hears key and workspace changes, which is what lets `changeCounter` cache.
   */
  readonly listenForEvents?: (onError?: (error: Error) => void) => () => Promise<void>;
  /** Printable, without credentials. */
  readonly description: string;
  /**
   * Moves when an API key or workspace settings change in any process: key caches check it. SQLite reads it once per
   * event-loop turn; PostgreSQL moves it on the auth channel's notification, and on every reading while nobody listens.
   */
  readonly changeCounter?: () => number;
  /** PostgreSQL, unless the default search path. */
  readonly schema?: string;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** PostgreSQL; created if missing. */
  schema?: string;
  /** PostgreSQL only. */
  poolSize?: number;
  heavyReadTimeoutMs?: number;
  /** PostgreSQL connections or SQLite worker threads. */
  heavyReadConnections?: number;
  /** SQLite: checkpoint from a thread, not inside the commit that fills the WAL. */
  backgroundCheckpoints?: boolean;
  eventLog?: boolean;
  /** SQLite, default path only: a configured path's missing directory is likely a typo. */
  createDirectory?: boolean;
}

export const DEFAULT_HEAVY_READ_TIMEOUT_MS = 5_000;

/** Twice one workspace's default share, so no tenant holds them all. */
export const DEFAULT_HEAVY_READ_CONNECTIONS = 4;
