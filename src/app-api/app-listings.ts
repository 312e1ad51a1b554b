import type { ExpressionBuilder, Kysely } from 'kysely';
import type { MemberRef } from '../events/app-resources.js';
import type { Database, GroupRow, MembershipRow } from '../store/database.js';

type Db = Kysely<Database>;

/** Rows written at or before `eventSeq` with ids after `afterId`, in id order; reads `limit` + 1 to detect a next page. */
export interface PageWindow {
  eventSeq: number;
  afterId: string;
  limit: number;
}

export interface MemberFilters {
  active?: boolean;
  role?: string;
  seatType?: string;
  /** Only members whose link to this group was also written by the cut. */
  group?: string;
}

export interface AppGroupMember {
  member: MemberRef;
  projectRole: string | null;
}

const memberConditions = (workspaceId: string, filters: MemberFilters, eventSeq: number) => (eb: ExpressionBuilder<Database, 'membership'>) =>
  eb.and([
    eb('membership.workspace_id', '=', workspaceId),
    eb('membership.event_seq', '<=', eventSeq),
    ...(filters.active !== undefined ? [eb('membership.active', '=', filters.active ? 1 : 0)] : []),
    ...(filters.role !== undefined ? [eb('membership.role', '=', filters.role)] : []),
    ...(filters.seatType !== undefined ? [eb('membership.seat_type', '=', filters.seatType)] : []),
  ]);

/** By the (workspace_id, id) index; with a group, by its (group_id, membership_id) key. */
export async function memberPage(db: Db, workspaceId: string, filters: MemberFilters, page: PageWindow): Promise<MembershipRow[]> {
  if (filters.group !== undefined) {
    return db
      .selectFrom('group_member')
      .innerJoin('membership', 'membership.id', 'group_member.membership_id')
      .selectAll('membership')
      .where('group_member.group_id', '=', filters.group)
      .where('group_member.workspace_id', '=', workspaceId)
      .where('group_member.event_seq', '<=', page.eventSeq)
      .where('group_member.membership_id', '>', page.afterId)
      .where(memberConditions(workspaceId, filters, page.eventSeq))
      .orderBy('group_member.membership_id')
      .limit(page.limit + 1)
      .execute();
  }
  return db
    .selectFrom('membership')
    .selectAll()
    .where('id', '>', page.afterId)
    .where(memberConditions(workspaceId, filters, page.eventSeq))
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
}

export async function groupPage(db: Db, workspaceId: string, page: PageWindow): Promise<GroupRow[]> {
  return db
    .selectFrom('scim_group')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '>', page.afterId)
    .where('event_seq', '<=', page.eventSeq)
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
}

/** Only the link is cut: a member changed since still belongs here (the app learns that from events). */
export async function groupMemberPage(db: Db, workspaceId: string, groupId: string, page: PageWindow): Promise<AppGroupMember[]> {
  const rows = await db
    .selectFrom('group_member')
    .innerJoin('membership', 'membership.id', 'group_member.membership_id')
    .select(['group_member.membership_id as id', 'membership.user_name', 'membership.external_id', 'group_member.project_role'])
    .where('group_member.group_id', '=', groupId)
    .where('group_member.workspace_id', '=', workspaceId)
    .where('group_member.event_seq', '<=', page.eventSeq)
    .where('group_member.membership_id', '>', page.afterId)
    .orderBy('group_member.membership_id')
    .limit(page.limit + 1)
    .execute();
  return rows.map((r) => ({ member: { id: r.id, userName: r.user_name, externalId: r.external_id }, projectRole: r.project_role }));
}

export async function groupExists(db: Db, workspaceId: string, groupId: string): Promise<boolean> {
  const row = await db.selectFrom('scim_group').select('id').where('workspace_id', '=', workspaceId).where('id', '=', groupId).executeTakeFirst();
  return row !== undefined;
}
