import { CompiledQuery, PostgresAdapter, sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { copyText } from './copy-text.js';
import type { Database, MembershipRow } from './database.js';
import type { DriftReason } from '../model/drift.js';

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

/**
 * The only file that knows which database runs. Everything dialect-specific (JSON array
 * iteration, case-insensitive LIKE, error codes for constraint violations) is answered here.
 */
export type DialectName = 'sqlite' | 'postgres';

export interface DialectSupport {
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
   * column's unique index whatever the planner believes. On PostgreSQL that is a lateral join with LIMIT 1 (a
   * subquery the planner cannot flatten): as an IN list, `= any` or `in (select unnest(…))` its choice followed
   * the statistics, and a workspace filled since the last ANALYZE (a first pull, 100,000 creates in one apply)
   * looked empty, so it hashed the keys and scanned every member, 35 ms a statement against 5 ms of probes.
   */
  membersByKey(workspaceId: string, column: 'external_id' | 'user_name_lower', values: readonly string[]): RawBuilder<MembershipRow>;
  /**
   * A binding's records of these IdP users, each with the member of the same externalId (version, synced_version,
   * managed_by; null columns when there is none): a probe of each index per user on PostgreSQL, for the reason
   * membersByKey gives.
   */
  pulledByKey(workspaceId: string, binding: string, externalIds: readonly string[]): RawBuilder<PulledByKeyRow>;
  /**
   * Rows for an INSERT … SELECT, from one JSON array of objects keyed by column name; null where a multi-row
   * VALUES list is the better statement. PostgreSQL plans every value of a VALUES list: a 200-row insert of
   * 45 columns spent 11 ms in planning against 6 ms executing, while one JSON parameter expanded by
   * json_populate_recordset plans in a fraction of a millisecond at any size. SQLite does no such planning and
   * keeps its compiled statements by text (create-db.ts), so it has nothing to gain.
   */
  readonly jsonRows: ((table: keyof Database & string, columns: readonly string[], json: string) => RawBuilder<unknown>) | null;
  /**
   * `COPY … FROM STDIN` of rows (objects keyed by column name), run by pg-client.ts; null where there is no
   * COPY. For inserts that need neither ON CONFLICT nor RETURNING it is PostgreSQL's cheapest: 5,000 created
   * members took 140 ms against 250 ms from JSON, which the server parses twice (validation, then the records).
   */
  readonly copyRows: ((table: keyof Database & string, columns: readonly string[], rows: readonly object[]) => CompiledQuery) | null;
  /**
   * Refresh the planner's statistics of `tables` after a bulk write, or null where there are none to refresh.
   * PostgreSQL's autovacuum analyzes a table a minute or more after it grew; until then a plan's rows, or a
   * workspace's first members, are invisible to the planner, which then sorts a 100,000-change plan for every
   * page it reads back (20–45 ms a page against 2 ms through the index).
   */
  analyze(tables: readonly (keyof Database & string)[]): RawBuilder<unknown> | null;
}

const sqlite: DialectSupport = {
  name: 'sqlite',
  jsonArrayElements: (column, alias) => sql`json_each(${column}) as ${sql.raw(alias)}`,
  jsonElementText: (alias, sub) => sql<string | null>`json_extract(${sql.ref(`${alias}.value`)}, ${'$.' + sub})`,
  likeInsensitive: (left, pattern) => sql<SqlBool>`lower(${left}) like lower(${pattern}) escape '\\'`,
  // GLOB is SQLite's case-sensitive matcher; translate the LIKE pattern's wildcards to it.
  likeSensitive: (left, pattern) => sql<SqlBool>`${left} glob ${likeToGlob(pattern)}`,
  isUniqueViolation: (error) => {
    const code = (error as { code?: unknown })?.code;
    return typeof code === 'string' && (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY');
  },
  mergeJsonObject: (column, patch) => sql<string>`json_patch(coalesce(${column}, '{}'), ${patch})`,
  groupRefsOf: (membershipId) => sql`(select json_group_array(json_object('value', g.id, 'display', g.display_name) order by g.display_name)
    from group_member gm join scim_group g on g.id = gm.group_id where gm.membership_id = ${membershipId})`,
  membersByKey: (workspaceId, column, values) =>
    sql<MembershipRow>`select * from membership where workspace_id = ${workspaceId} and ${sql.ref(column)} in (${sql.join(values)})`,
  pulledByKey: (workspaceId, binding, externalIds) =>
    sql<PulledByKeyRow>`select p.external_id, p.hash, p.drift, p.drift_detail, p.settled_version, m.id as member_id, m.version, m.synced_version, m.managed_by
      from pulled_member p left join membership m on m.workspace_id = p.workspace_id and m.external_id = p.external_id
      where p.workspace_id = ${workspaceId} and p.binding = ${binding} and p.external_id in (${sql.join(externalIds)})`,
  jsonRows: null,
  copyRows: null,
  // SQLite's planner works from its own heuristics unless ANALYZE ran once; rosterd never runs it there.
  analyze: () => null,
};

const postgres: DialectSupport = {
  name: 'postgres',
  jsonArrayElements: (column, alias) =>
    sql`jsonb_array_elements(case when jsonb_typeof(${column}::jsonb) = 'array' then ${column}::jsonb else '[]'::jsonb end) as ${sql.raw(alias)}(value)`,
  jsonElementText: (alias, sub) => sql<string | null>`(${sql.ref(`${alias}.value`)} ->> ${sub})`,
  likeInsensitive: (left, pattern) => sql<SqlBool>`${left} ilike ${pattern} escape '\\'`,
  likeSensitive: (left, pattern) => sql<SqlBool>`${left} like ${pattern} escape '\\'`,
  isUniqueViolation: (error) => (error as { code?: unknown })?.code === '23505',
  mergeJsonObject: (column, patch) => sql<string>`(coalesce(${column}, '{}')::jsonb || ${patch}::jsonb)::text`,
  groupRefsOf: (membershipId) => sql`(select coalesce(json_agg(json_build_object('value', g.id, 'display', g.display_name) order by g.display_name), '[]'::json)
    from group_member gm join scim_group g on g.id = gm.group_id where gm.membership_id = ${membershipId})`,
  membersByKey: (workspaceId, column, values) =>
    sql<MembershipRow>`select m.* from unnest(${values}::text[]) as k(v)
      cross join lateral (select * from membership where workspace_id = ${workspaceId} and ${sql.ref(column)} = k.v limit 1) as m`,
  pulledByKey: (workspaceId, binding, externalIds) =>
    sql<PulledByKeyRow>`select k.v as external_id, p.hash, p.drift, p.drift_detail, p.settled_version, m.id as member_id, m.version, m.synced_version, m.managed_by
      from unnest(${externalIds}::text[]) as k(v)
      cross join lateral (select hash, drift, drift_detail, settled_version from pulled_member where workspace_id = ${workspaceId} and binding = ${binding} and external_id = k.v limit 1) as p
      left join lateral (select id, version, synced_version, managed_by from membership where workspace_id = ${workspaceId} and external_id = k.v limit 1) as m on true`,
  jsonRows: (table, columns, json) =>
    sql`select ${sql.join(columns.map((c) => sql.ref(c)))} from json_populate_recordset(null::${sql.table(table)}, ${json}::json)`,
  copyRows: (table, columns, rows) => CompiledQuery.raw(`copy ${quoted(table)} (${columns.map(quoted).join(', ')}) from stdin`, [copyText(columns, rows)]),
  analyze: (tables) => sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`,
};

/** A double-quoted identifier (table and column names are rosterd's own, never input). */
const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Convert a LIKE pattern (% _ with backslash escapes) to a GLOB pattern. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i]!;
      out += next === '*' || next === '?' || next === '[' ? `[${next}]` : next;
    } else if (ch === '%') out += '*';
    else if (ch === '_') out += '?';
    else if (ch === '*' || ch === '?' || ch === '[') out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

/** Escape a literal for use inside a LIKE pattern with `escape '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (m) => `\\${m}`);
}

export function dialectSupportFor(name: DialectName): DialectSupport {
  return name === 'sqlite' ? sqlite : postgres;
}

/** The dialect a Kysely instance talks to: for queries compiled once per instance (prepared-query.ts). */
export function dialectOf(db: Kysely<any>): DialectSupport {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgres : sqlite;
}
