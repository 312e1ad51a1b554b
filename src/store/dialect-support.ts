import { PostgresAdapter, type CompiledQuery, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { DriftReason } from '../model/drift.js';
import type { Database, MembershipRow } from './database.js';
import { postgresSupport } from './dialect/postgres/postgres-support.js';
import { sqliteSupport } from './dialect/sqlite/sqlite-support.js';

/** A row of `pulledByKey`. */
export interface PulledByKeyRow {
  external_id: string;
  hash: string;
  drift: DriftReason | null;
  drift_detail: string | null;
  settled_version: number | string | null;
  member_id: string | null;
  version: number | string | null;
  synced_version: number | string | null;
  managed_by: string | null;
}

export type DialectName = 'sqlite' | 'postgres';

/** How many rows or values one statement carries, where a list's length is the caller's to cut. */
export interface ChunkSizes {
  /** Rows per INSERT into `table` through bulk-insert.ts: a VALUES list, or one JSON or COPY statement. */
  rowsPerInsert(table: keyof Database & string): number;
  /** Ids per IN list when an apply or a request reads or probes rows by id. */
  readonly ids: number;
  /** Keys per IN list when a pull cycle reads or updates a page of an IdP's users. */
  readonly keys: number;
  /** Member ids per IN list when one group's memberships are deleted. */
  readonly groupMembers: number;
}

/**
 * What differs between the databases, answered by the dialect that runs (dialect/sqlite/sqlite-support.ts,
 * dialect/postgres/postgres-support.ts): repositories ask here instead of testing which database it is.
 */
export interface DialectSupport {
  /** The database's name, as readiness reports it. */
  readonly name: DialectName;
  /** Rows of a JSON-array text column, each exposed as `<alias>.value` JSON; used by filters on multi-valued attributes. */
  jsonArrayElements(column: Expression<unknown>, alias: string): RawBuilder<unknown>;
  /** Text of a sub-attribute of one element produced by jsonArrayElements. */
  jsonElementText(alias: string, subAttribute: string): RawBuilder<string | null>;
  /** Case-insensitive LIKE (PostgreSQL's LIKE is case-sensitive, SQLite's is not for ASCII). */
  likeInsensitive(left: Expression<unknown>, pattern: string): RawBuilder<SqlBool>;
  /** Case-sensitive LIKE-style match, for caseExact attributes. */
  likeSensitive(left: Expression<unknown>, pattern: string): RawBuilder<SqlBool>;
  /** True when the error is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
  /** A JSON-object text column with the keys of `patch` (JSON object text) set over it; null counts as {}. */
  mergeJsonObject(column: Expression<unknown>, patch: string): RawBuilder<string>;
  /**
   * The groups of the member whose id is `membershipId`, as a JSON array of {value, display} ordered by display
   * name (text on SQLite, parsed by pg on PostgreSQL): a correlated subquery, so a User and its groups are one read.
   */
  groupRefsOf(membershipId: Expression<unknown>): RawBuilder<unknown>;
  /**
   * The members of a workspace whose unique key `column` is one of `values`, each found by a probe of the
   * column's unique index whatever the planner believes of the table's size.
   */
  membersByKey(workspaceId: string, column: 'external_id' | 'user_name_lower', values: readonly string[]): RawBuilder<MembershipRow>;
  /**
   * A binding's records of these IdP users, each with the member of the same externalId (version, synced_version,
   * managed_by; null columns when there is none), found by index probes as in membersByKey.
   */
  pulledByKey(workspaceId: string, binding: string, externalIds: readonly string[]): RawBuilder<PulledByKeyRow>;
  /**
   * Rows for an INSERT … SELECT, from one JSON array of objects keyed by column name; null where a multi-row
   * VALUES list is the better statement (a database that does not plan every value of the list).
   */
  readonly jsonRows: ((table: keyof Database & string, columns: readonly string[], json: string) => RawBuilder<unknown>) | null;
  /** `COPY … FROM STDIN` of rows (objects keyed by column name), for inserts without ON CONFLICT or RETURNING; null where there is no COPY. */
  readonly copyRows: ((table: keyof Database & string, columns: readonly string[], rows: readonly object[]) => CompiledQuery) | null;
  /** Refresh the planner's statistics of `tables` after a bulk write, or null where there are none to refresh. */
  analyze(tables: readonly (keyof Database & string)[]): RawBuilder<unknown> | null;
  /**
   * The statement, run in the transaction that wrote a workspace's events up to `lastSeq`, that tells the other
   * instances on the database at its commit; null where there are none to tell (Store.listenForEvents).
   */
  eventsWritten(workspaceId: string, lastSeq: number): RawBuilder<unknown> | null;
  /** Whether Kysely's migrator takes a lock of its own; where it does not, migrations run in a write transaction. */
  readonly migratorLocks: boolean;
  /** Note a SQL text that preparedQuery compiled once, for a dialect that prepares such texts on the server. */
  preparedText(sql: string): void;
  readonly chunks: ChunkSizes;
}

/** Escape a literal for use inside a LIKE pattern with `escape '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (m) => `\\${m}`);
}

export function dialectSupportFor(name: DialectName): DialectSupport {
  return name === 'sqlite' ? sqliteSupport : postgresSupport;
}

/** The dialect a Kysely instance talks to: for queries compiled once per instance (prepared-query.ts). */
export function dialectOf(db: Kysely<any>): DialectSupport {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgresSupport : sqliteSupport;
}
