import { sql, type SqlBool } from 'kysely';
import type { Database, MembershipRow } from '../../database.js';
import type { ChunkSizes, DialectSupport, PulledByKeyRow } from '../../dialect-support.js';

/** Keeps rows × columns under SQLite's 32,766 bound parameters. */
const VALUES_ROWS: Partial<Record<keyof Database & string, number>> = {
  membership: 200,
  group_member: 400,
  provisioning_log: 400,
  webhook_delivery: 80,
  event: 500,
  pulled_member: 500,
  plan_change: 500,
  account: 500,
};
const NARROWEST_VALUES_ROWS = 80;

const chunks: ChunkSizes = {
  rowsPerInsert: (table) => VALUES_ROWS[table] ?? NARROWEST_VALUES_ROWS,
  ids: 500,
  keys: 1000,
  groupMembers: 400,
};

export const sqliteSupport: DialectSupport = {
  name: 'sqlite',
  jsonArrayElements: (column, alias) => sql`json_each(${column}) as ${sql.raw(alias)}`,
  jsonElementText: (alias, sub) => sql<string | null>`json_extract(${sql.ref(`${alias}.value`)}, ${'$.' + sub})`,
  likeInsensitive: (left, pattern) => sql<SqlBool>`lower(${left}) like lower(${pattern}) escape '\\'`,
  // GLOB is SQLite's case-sensitive match.
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
  // SQLite does not plan each VALUES value.
  jsonRows: null,
  copyRows: null,
  // ANALYZE would replace SQLite's heuristics for good; rosterd never runs it.
  analyze: () => null,
  // One file's instances are one process, or a cluster whose primary relays.
  eventNotice: null,
  migratorLocks: false,
  // The statement cache prepares every text.
  prepared: () => undefined,
  chunks,
};

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
