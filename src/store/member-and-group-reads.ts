import type { Kysely } from 'kysely';
import type { Group } from '../model/group.js';
import type { Member } from '../model/member.js';
import type { Database } from './database.js';
import { dialectOf } from './dialect-support.js';
import { keysetPages } from './keyset-pages.js';
import { rowToGroup } from './group-repository.js';
import { rowToMember } from './member-row.js';
import { listChunks } from './list-chunks.js';

type Db = Kysely<Database>;

// Batched reads for pulls and applies, each bounded by an index.

export async function membersMatching(db: Db, workspaceId: string, externalIds: readonly string[], userNames: readonly string[]): Promise<Member[]> {
  const byId = new Map<string, Member>();
  const dialect = dialectOf(db);
  // Two statements: SQLite scans for an OR of IN lists. userNames of members found by externalId lead back to them, so
  // are not probed.
  const held = new Set<string>();
  for (const ids of listChunks(externalIds, dialect.chunks.keys)) {
    const { rows } = await dialect.membersByKey(workspaceId, 'external_id', ids).execute(db);
    for (const row of rows) {
      byId.set(row.id, rowToMember(row));
      held.add(row.user_name_lower);
    }
  }
  const unheld = new Set<string>();
  for (const name of userNames) {
    const lower = name.toLowerCase();
    if (!held.has(lower)) unheld.add(lower);
  }
  for (const names of listChunks([...unheld], dialect.chunks.keys)) {
    const { rows } = await dialect.membersByKey(workspaceId, 'user_name_lower', names).execute(db);
    for (const row of rows) if (!byId.has(row.id)) byId.set(row.id, rowToMember(row));
  }
  return [...byId.values()];
}

/** Full rows, for the few the sweep deprovisions. */
export async function membersByIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<Member[]> {
  const members: Member[] = [];
  for (const chunk of listChunks(ids, dialectOf(db).chunks.keys)) {
    const rows = await db.selectFrom('membership').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', chunk).execute();
    members.push(...rows.map(rowToMember));
  }
  return members;
}

/** Member id → all its groups; the diff removes only its binding's. */
export async function currentGroupsOf(db: Db, workspaceId: string, memberIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>();
  for (const ids of listChunks(memberIds, dialectOf(db).chunks.keys)) {
    const rows = await db
      .selectFrom('group_member')
      .select(['group_member.membership_id', 'group_member.group_id'])
      .where('group_member.workspace_id', '=', workspaceId)
      .where('group_member.membership_id', 'in', ids)
      .execute();
    for (const row of rows) {
      let set = result.get(row.membership_id);
      if (!set) result.set(row.membership_id, (set = new Set()));
      set.add(row.group_id);
    }
  }
  return result;
}

export async function allGroups(db: Db, workspaceId: string): Promise<Group[]> {
  const rows = await db.selectFrom('scim_group').selectAll().where('workspace_id', '=', workspaceId).execute();
  return rows.map(rowToGroup);
}

/** For the sweep after a full read: only members the IdP no longer lists are read whole. */
export async function* managedMemberKeys(db: Db, workspaceId: string, binding: string, pageSize = 10_000): AsyncGenerator<{ id: string; externalId: string | null }[]> {
  const pages = keysetPages(pageSize, (row: { id: string }) => row.id, (after, limit) =>
    db
      .selectFrom('membership')
      .select(['id', 'external_id'])
      .where('workspace_id', '=', workspaceId)
      .where('managed_by', '=', binding)
      .where('id', '>', after)
      .orderBy('id')
      .limit(limit)
      .execute(),
  );
  for await (const rows of pages) yield rows.map((r) => ({ id: r.id, externalId: r.external_id }));
}

export async function countManagedMembers(db: Db, workspaceId: string, binding: string): Promise<number> {
  const row = await db
    .selectFrom('membership')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('managed_by', '=', binding)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
