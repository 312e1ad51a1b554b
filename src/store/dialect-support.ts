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

export interface ChunkSizes {
  /** Per bulk-insert.ts INSERT (VALUES list, JSON or COPY). */
  rowsPerInsert(table: keyof Database & string): number;
  /** Per IN list of row ids. */
  readonly ids: number;
  /** Per IN list of a pull page's IdP keys. */
  readonly keys: number;
  /** Per IN list deleting a group's memberships. */
  readonly groupMembers: number;
}

export interface EventNotice {
  /** `payload` may be a placeholder, so the statement is prepared once. */
  expression(payload: unknown): RawBuilder<unknown>;
  payload(workspaceId: string, lastSeq: number): string;
}

/** What differs between the databases, so repositories never test which runs. */
export interface DialectSupport {
  readonly name: DialectName;
  /** Rows of a JSON-array text column as `<alias>.value`. */
  jsonArrayElements(column: Expression<unknown>, alias: string): RawBuilder<unknown>;
  /** A sub-attribute's text in a jsonArrayElements row. */
  jsonElementText(alias: string, subAttribute: string): RawBuilder<string | null>;
  /** PostgreSQL's LIKE is case-sensitive, SQLite's is not. */
  likeInsensitive(left: Expression<unknown>, pattern: string): RawBuilder<SqlBool>;
  /** For caseExact attributes. */
  likeSensitive(left: Expression<unknown>, pattern: string): RawBuilder<SqlBool>;
  isUniqueViolation(error: unknown): boolean;
  /** `column` (JSON object text, null as {}) with `patch`'s keys set. */
  mergeJsonObject(column: Expression<unknown>, patch: string): RawBuilder<string>;
  /** The member's groups as JSON [{value, display}] by name, in the same read as the User. */
  groupRefsOf(membershipId: Expression<unknown>): RawBuilder<unknown>;
  /** Members whose unique `column` is in `values`, each an index probe whatever the statistics say. */
  membersByKey(workspaceId: string, column: 'external_id' | 'user_name_lower', values: readonly string[]): RawBuilder<MembershipRow>;
  /** A binding's records of these users with same-externalId members, probed alike. */
  pulledByKey(workspaceId: string, binding: string, externalIds: readonly string[]): RawBuilder<PulledByKeyRow>;
  /** INSERT … SELECT rows from one JSON array; null where VALUES lists are better. */
  readonly jsonRows: ((table: keyof Database & string, columns: readonly string[], json: string) => RawBuilder<unknown>) | null;
  /** `COPY … FROM STDIN`, for inserts without ON CONFLICT or RETURNING. */
  readonly copyRows: ((table: keyof Database & string, columns: readonly string[], rows: readonly object[]) => CompiledQuery) | null;
  /** Refresh planner statistics after a bulk write; null if none. */
  analyze(tables: readonly (keyof Database & string)[]): RawBuilder<unknown> | null;
  /**
   * A select expression, run in the transaction writing events up to a sequence, that tells other instances at commit;
   * null where instances share a process.
   */
  readonly eventNotice: EventNotice | null;
  /** Whether Kysely's migrator takes a lock itself. */
  readonly migratorLocks: boolean;
  /** Note a query preparedQuery compiled (PostgreSQL's driver prepares it on the server). */
  prepared(compiled: CompiledQuery): void;
  readonly chunks: ChunkSizes;
}

/** For a LIKE pattern with `escape '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (m) => `\\${m}`);
}

export function dialectSupportFor(name: DialectName): DialectSupport {
  return name === 'sqlite' ? sqliteSupport : postgresSupport;
}

export function dialectOf(db: Kysely<any>): DialectSupport {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgresSupport : sqliteSupport;
}
