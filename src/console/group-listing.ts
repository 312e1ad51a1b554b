import { sql, type Kysely } from 'kysely';
import type { Group } from '../model/group.js';
import type { Database } from '../store/database.js';
import { listGroups } from '../store/group-repository.js';

export interface ListedGroup extends Group {
  memberCount: number;
  members: { id: string; userName: string; displayName: string | null; projectRole: string | null }[];
}

export const GROUPS_PER_PAGE = 50;
export const MEMBERS_SHOWN = 10;

/** Each group with its member count and first members: two statements per page, however large the groups. */
export async function groupPage(db: Kysely<Database>, workspaceId: string, page: number): Promise<{ total: number; groups: ListedGroup[] }> {
  const { total, groups } = await listGroups(db, workspaceId, undefined, { offset: (page - 1) * GROUPS_PER_PAGE, limit: GROUPS_PER_PAGE });
  const ids = groups.map((g) => g.id);
  if (ids.length === 0) return { total, groups: [] };
  const [counts, firsts] = await Promise.all([
    db
      .selectFrom('group_member')
      .select(['group_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('group_id', 'in', ids)
      .groupBy('group_id')
      .execute(),
    db
      .selectFrom((eb) =>
        eb
          .selectFrom('group_member')
          .innerJoin('membership', 'membership.id', 'group_member.membership_id')
          .select([
            'group_member.group_id',
            'group_member.project_role',
            'membership.id',
            'membership.user_name',
            'membership.display_name',
            sql<number>`row_number() over (partition by ${sql.ref('group_member.group_id')} order by ${sql.ref('membership.user_name_lower')}, ${sql.ref('membership.id')})`.as('rank'),
          ])
          .where('group_member.group_id', 'in', ids)
          .as('ranked'),
      )
      .selectAll()
      .where('rank', '<=', MEMBERS_SHOWN)
      .orderBy('group_id')
      .orderBy('rank')
      .execute(),
  ]);
  const countOf = new Map(counts.map((c) => [c.group_id, Number(c.n)]));
  return {
    total,
    groups: groups.map((g) => ({
      ...g,
      memberCount: countOf.get(g.id) ?? 0,
      members: firsts.filter((r) => r.group_id === g.id).map((r) => ({ id: r.id, userName: r.user_name, displayName: r.display_name, projectRole: r.project_role })),
    })),
  };
}
