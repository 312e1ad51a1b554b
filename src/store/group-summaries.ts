import type { Kysely } from 'kysely';
import { rowToGroup } from './group-repository.js';
import type { Database } from './database.js';
import type { Group } from '../model/group.js';

export interface GroupSummary {
  group: Group;
  /** `null`: plain-group links. */
  roles: { role: string | null; members: number }[];
  members: number;
}

/** With member counts per role: two queries at any size. */
export async function groupSummaries(db: Kysely<Database>, workspaceId: string): Promise<GroupSummary[]> {
  const groups = await db.selectFrom('scim_group').selectAll().where('workspace_id', '=', workspaceId).orderBy('display_name').orderBy('id').execute();
  const counts = await db
    .selectFrom('group_member')
    .innerJoin('scim_group', 'scim_group.id', 'group_member.group_id')
    .select(['group_member.group_id', 'group_member.project_role', (eb) => eb.fn.countAll<number>().as('n')])
    .where('scim_group.workspace_id', '=', workspaceId)
    .groupBy(['group_member.group_id', 'group_member.project_role'])
    .execute();
  const byGroup = new Map<string, GroupSummary['roles']>();
  for (const row of counts) {
    const roles = byGroup.get(row.group_id) ?? [];
    roles.push({ role: row.project_role, members: Number(row.n) });
    byGroup.set(row.group_id, roles);
  }
  return groups.map((row) => {
    const roles = (byGroup.get(row.id) ?? []).sort((a, b) => b.members - a.members);
    return { group: rowToGroup(row), roles, members: roles.reduce((sum, r) => sum + r.members, 0) };
  });
}

export async function groupMemberRoles(db: Kysely<Database>, groupId: string): Promise<{ userName: string; externalId: string | null; projectRole: string | null }[]> {
  const rows = await db
    .selectFrom('group_member')
    .innerJoin('membership', 'membership.id', 'group_member.membership_id')
    .select(['membership.user_name', 'membership.external_id', 'group_member.project_role'])
    .where('group_member.group_id', '=', groupId)
    .orderBy('membership.user_name')
    .execute();
  return rows.map((r) => ({ userName: r.user_name, externalId: r.external_id, projectRole: r.project_role }));
}
