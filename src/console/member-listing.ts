import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Member } from '../model/member.js';
import type { Database } from '../store/database.js';
import { listMembers } from '../store/member-repository.js';

export interface MemberFilter {
  /** Substring of userName (any case) or externalId; empty: every member. */
  text: string;
  field: 'userName' | 'externalId';
  active: 'any' | 'yes' | 'no';
  page: number;
}

export interface ListedMember extends Member {
  drift: { binding: string; reason: string; detail: string | null } | null;
}

export const MEMBERS_PER_PAGE = 50;

/** So `%`, `_` and the escape character match literally. */
const likePattern = (text: string) => `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** Filtered and paged in SQL, in userName order, with field sources, drift and the total matching. */
export async function memberPage(db: Kysely<Database>, workspaceId: string, filter: MemberFilter): Promise<{ total: number; members: ListedMember[] }> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.text !== '') {
    const column = filter.field === 'userName' ? sql.ref('membership.user_name_lower') : sql.ref('membership.external_id');
    const text = filter.field === 'userName' ? filter.text.toLowerCase() : filter.text;
    conditions.push(sql<SqlBool>`${column} like ${likePattern(text)} escape '!'`);
  }
  if (filter.active !== 'any') conditions.push(sql<SqlBool>`${sql.ref('membership.active')} = ${filter.active === 'yes' ? 1 : 0}`);
  const where = conditions.length === 0 ? undefined : sql<SqlBool>`${sql.join(conditions, sql` and `)}`;
  const { total, members } = await listMembers(db, workspaceId, where, {
    offset: (filter.page - 1) * MEMBERS_PER_PAGE,
    limit: MEMBERS_PER_PAGE,
    sortColumn: 'membership.user_name_lower',
    fieldSources: true,
  });
  return { total, members: await withDrift(db, workspaceId, members) };
}

/** The binding record's reason, or `changed_elsewhere` for a managed member written elsewhere since (as `rosterd members --json`). */
async function withDrift(db: Kysely<Database>, workspaceId: string, members: Member[]): Promise<ListedMember[]> {
  const managed = members.filter((m) => m.managedBy !== null && m.externalId !== null);
  const rows =
    managed.length === 0
      ? []
      : await db
          .selectFrom('pulled_member')
          .select(['binding', 'external_id', 'drift', 'drift_detail'])
          .where('workspace_id', '=', workspaceId)
          .where('binding', 'in', [...new Set(managed.map((m) => m.managedBy!))])
          .where('external_id', 'in', managed.map((m) => m.externalId!))
          .where('drift', 'is not', null)
          .execute();
  const recorded = new Map(rows.map((r) => [`${r.binding}\u0001${r.external_id}`, r]));
  return members.map((m) => {
    const row = m.managedBy !== null && m.externalId !== null ? recorded.get(`${m.managedBy}\u0001${m.externalId}`) : undefined;
    const drift = row
      ? { binding: row.binding, reason: row.drift!, detail: row.drift_detail }
      : m.managedBy !== null && m.syncedVersion !== m.version
        ? { binding: m.managedBy, reason: 'changed_elsewhere', detail: `written by ${m.lastSource} since connector ${m.managedBy} last compared it; its next cycle does` }
        : null;
    return { ...m, drift };
  });
}
