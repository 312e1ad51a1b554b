import type { Expression, Kysely, SqlBool } from 'kysely';
import type { Group, GroupMemberRef, GroupRef } from '../model/group.js';
import type { Database, GroupRow } from './database.js';
import { dialectOf } from './dialect-support.js';
import { listPage, type ListPage } from './list-page.js';
import { preparedQuery } from './prepared-query.js';
import { listChunks } from './list-chunks.js';

type Db = Kysely<Database>;

export function rowToGroup(row: GroupRow): Group {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    externalId: row.external_id,
    displayName: row.display_name,
    appName: row.app_name,
    lastSource: row.last_source,
    managedBy: row.managed_by ?? null,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findGroupById(db: Db, workspaceId: string, id: string): Promise<Group | undefined> {
  const row = await db.selectFrom('scim_group').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row && rowToGroup(row);
}

export async function findGroupByDisplayName(db: Db, workspaceId: string, displayName: string): Promise<Group | undefined> {
  const row = await db
    .selectFrom('scim_group')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('display_name_lower', '=', displayName.toLowerCase())
    .executeTakeFirst();
  return row && rowToGroup(row);
}

export async function findGroupByExternalId(db: Db, workspaceId: string, externalId: string): Promise<Group | undefined> {
  const row = await db
    .selectFrom('scim_group')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row && rowToGroup(row);
}

export async function listGroups(
  db: Db,
  workspaceId: string,
  where: Expression<SqlBool> | undefined,
  page: ListPage,
): Promise<{ total: number; groups: Group[] }> {
  const { total, rows } = await listPage(db, 'scim_group', workspaceId, where, page);
  return { total, groups: rows.map(rowToGroup) };
}

/** Each list in a stable order. */
export async function membersOfGroups(db: Db, groupIds: readonly string[]): Promise<Map<string, GroupMemberRef[]>> {
  const result = new Map<string, GroupMemberRef[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return result;
  const rows = await db
    .selectFrom('group_member')
    .innerJoin('membership', 'membership.id', 'group_member.membership_id')
    .select(['group_member.group_id', 'membership.id', 'membership.user_name', 'membership.display_name'])
    .where('group_member.group_id', 'in', groupIds)
    .orderBy('group_member.group_id')
    .orderBy('group_member.created_at')
    .orderBy('membership.id')
    .execute();
  for (const row of rows) result.get(row.group_id)?.push({ value: row.id, display: row.display_name ?? row.user_name });
  return result;
}

/** GET /Users/{id}: compiled once. */
const groupsOfOne = preparedQuery(
  (db, memberId: string) =>
    db
      .selectFrom('group_member')
      .innerJoin('scim_group', 'scim_group.id', 'group_member.group_id')
      .select(['group_member.membership_id', 'scim_group.id', 'scim_group.display_name'])
      .where('group_member.membership_id', '=', memberId)
      .orderBy('scim_group.display_name'),
  [''],
);

export async function groupsOfMembers(db: Db, memberIds: readonly string[]): Promise<Map<string, GroupRef[]>> {
  const result = new Map<string, GroupRef[]>(memberIds.map((id) => [id, []]));
  if (memberIds.length === 0) return result;
  const rows =
    memberIds.length === 1
      ? await groupsOfOne(db, memberIds[0]!)
      : await db
          .selectFrom('group_member')
          .innerJoin('scim_group', 'scim_group.id', 'group_member.group_id')
          .select(['group_member.membership_id', 'scim_group.id', 'scim_group.display_name'])
          .where('group_member.membership_id', 'in', memberIds)
          .orderBy('scim_group.display_name')
          .execute();
  for (const row of rows) result.get(row.membership_id)?.push({ value: row.id, display: row.display_name });
  return result;
}

/** One query: a PATCH is a set operation. */
export async function memberIdsOfGroup(db: Db, groupId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('group_member').select('membership_id').where('group_id', '=', groupId).execute();
  return new Set(rows.map((r) => r.membership_id));
}

/** Probes in chunks: reads the named members, not the whole group. */
export async function memberIdsAmong(db: Db, groupId: string, ids: ReadonlySet<string>): Promise<Set<string>> {
  const found = new Set<string>();
  const wanted = [...ids];
  for (const chunk of listChunks(wanted, dialectOf(db).chunks.ids)) {
    const rows = await db
      .selectFrom('group_member')
      .select('membership_id')
      .where('group_id', '=', groupId)
      .where('membership_id', 'in', chunk)
      .execute();
    for (const row of rows) found.add(row.membership_id);
  }
  return found;
}
