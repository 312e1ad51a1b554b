import { sql, type SqlBool } from 'kysely';
import type { MembershipRow } from '../../database.js';
import type { ChunkSizes, DialectSupport, PulledByKeyRow } from '../../dialect-support.js';
import { copyText } from './copy-text.js';
import { EVENT_CHANNEL_PREFIX, eventPayload } from './event-channel.js';
import { copyQuery, nameStatement } from './statement-registry.js';

const chunks: ChunkSizes = {
  // A pull's apply batch in one statement.
  rowsPerInsert: () => 5000,
  ids: 500,
  keys: 1000,
  groupMembers: 400,
};

export const postgresSupport: DialectSupport = {
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
  // A lateral LIMIT 1 forces an index probe per key; an IN list trusts statistics that show a freshly filled workspace
  // as empty.
  membersByKey: (workspaceId, column, values) =>
    sql<MembershipRow>`select m.* from unnest(${values}::text[]) as k(v)
      cross join lateral (select * from membership where workspace_id = ${workspaceId} and ${sql.ref(column)} = k.v limit 1) as m`,
  pulledByKey: (workspaceId, binding, externalIds) =>
    sql<PulledByKeyRow>`select k.v as external_id, p.hash, p.drift, p.drift_detail, p.settled_version, m.id as member_id, m.version, m.synced_version, m.managed_by
      from unnest(${externalIds}::text[]) as k(v)
      cross join lateral (select hash, drift, drift_detail, settled_version from pulled_member where workspace_id = ${workspaceId} and binding = ${binding} and external_id = k.v limit 1) as p
      left join lateral (select id, version, synced_version, managed_by from membership where workspace_id = ${workspaceId} and external_id = k.v limit 1) as m on true`,
  // PostgreSQL plans every VALUES value; one JSON parameter plans fast at any size.
  jsonRows: (table, columns, json) =>
    sql`select ${sql.join(columns.map((c) => sql.ref(c)))} from json_populate_recordset(null::${sql.table(table)}, ${json}::json)`,
  // Cheaper than JSON, which the server parses twice.
  copyRows: (table, columns, rows) => copyQuery(`copy ${quoted(table)} (${columns.map(quoted).join(', ')}) from stdin`, copyText(columns, rows)),
  // Autovacuum analyzes a grown table only later.
  analyze: (tables) => sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`,
  // Delivered at commit (pg-event-listener.ts).
  eventNotice: {
    expression: (payload) => sql`pg_notify(${sql.lit(EVENT_CHANNEL_PREFIX)} || current_schema(), ${payload})`,
    payload: eventPayload,
  },
  migratorLocks: true,
  prepared: nameStatement,
  chunks,
};

const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;
