import type { Expression, Kysely, SqlBool } from 'kysely';
import type { GroupRef } from '../model/group.js';
import type { Member } from '../model/member.js';
import type { Database } from './database.js';
import { dialectOf } from './dialect-support.js';
import { rowToMember, rowToMemberWithSources } from './member-row.js';
import { listPage, type ListPage } from './list-page.js';
import { preparedQuery } from './prepared-query.js';

type Db = Kysely<Database>;

/** The unique keys a single User is read by. */
export type MemberKey = 'id' | 'userName' | 'externalId';

const KEY_COLUMN = { id: 'id', userName: 'user_name_lower', externalId: 'external_id' } as const;

/** The value as stored in the key's column: userName is unique regardless of case, so it is kept lower-cased too. */
const keyValue = (key: MemberKey, value: string): string => (key === 'userName' ? value.toLowerCase() : value);

/** A member by one unique key within a workspace. */
const byKey = (db: Db, key: MemberKey, workspaceId: string, value: string) =>
  db.selectFrom('membership').selectAll('membership').where('membership.workspace_id', '=', workspaceId).where(`membership.${KEY_COLUMN[key]}`, '=', value);

// The lookups every IdP request starts with: compiled once (see prepared-query.ts).
function lookup(key: MemberKey) {
  return preparedQuery((db, workspaceId: string, value: string) => byKey(db, key, workspaceId, value), ['', '']);
}

/**
 * The member and its groups (ordered by display name) in one statement: the groups come back as a JSON array
 * built by a correlated subquery over the group_member index, instead of a second query per read.
 */
function lookupWithGroups(key: MemberKey) {
  return preparedQuery(
    (db, workspaceId: string, value: string) =>
      byKey(db, key, workspaceId, value).select((eb) => dialectOf(db).groupRefsOf(eb.ref('membership.id')).as('groups_json')),
    ['', ''],
  );
}

const plain = { id: lookup('id'), userName: lookup('userName'), externalId: lookup('externalId') };
const withGroups = { id: lookupWithGroups('id'), userName: lookupWithGroups('userName'), externalId: lookupWithGroups('externalId') };

const versionById = preparedQuery(
  (db, workspaceId: string, id: string) => db.selectFrom('membership').select('version').where('workspace_id', '=', workspaceId).where('id', '=', id),
  ['', ''],
);

async function findMember(db: Db, workspaceId: string, key: MemberKey, value: string): Promise<Member | undefined> {
  const [row] = await plain[key](db, workspaceId, keyValue(key, value));
  return row && rowToMember(row);
}

export function findMemberById(db: Db, workspaceId: string, id: string): Promise<Member | undefined> {
  return findMember(db, workspaceId, 'id', id);
}

export function findMemberByUserName(db: Db, workspaceId: string, userName: string): Promise<Member | undefined> {
  return findMember(db, workspaceId, 'userName', userName);
}

export function findMemberByExternalId(db: Db, workspaceId: string, externalId: string): Promise<Member | undefined> {
  return findMember(db, workspaceId, 'externalId', externalId);
}

/** The member's current version (it moves with every write to the row), or undefined when it is gone. */
export async function memberVersion(db: Db, workspaceId: string, id: string): Promise<number | undefined> {
  const [row] = await versionById(db, workspaceId, id);
  return row ? Number(row.version) : undefined;
}

/** One member by a unique key, with its groups: what a SCIM read of one User renders. */
export async function findMemberWithGroups(db: Db, workspaceId: string, key: MemberKey, value: string): Promise<{ member: Member; groups: GroupRef[] } | undefined> {
  const [row] = await withGroups[key](db, workspaceId, keyValue(key, value));
  if (!row) return undefined;
  // rowToMember ignores the extra column (copying the row without it cost more than the query's join).
  const groups = row.groups_json;
  // SQLite returns the JSON as text; pg parses json columns itself.
  return { member: rowToMember(row), groups: (typeof groups === 'string' ? JSON.parse(groups) : groups) as GroupRef[] };
}

/** Members matching a compiled SCIM filter, paged in SQL with a stable order, plus the total. */
export async function listMembers(
  db: Db,
  workspaceId: string,
  where: Expression<SqlBool> | undefined,
  page: ListPage,
): Promise<{ total: number; members: Member[] }> {
  const { total, rows } = await listPage(db, 'membership', workspaceId, where, page);
  return { total, members: rows.map(page.fieldSources ? rowToMemberWithSources : rowToMember) };
}

/** Active members per seat type: the fact the V1 capacity rule needs. */
export async function countSeatsInUse(db: Db, workspaceId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('membership')
    .select(['seat_type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('active', '=', 1)
    .where('seat_type', 'is not', null)
    .groupBy('seat_type')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.seat_type as string, Number(r.n)]));
}

/** Which of these ids are members of the workspace (one query per chunk, never one per id). */
export async function existingMemberIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const perList = dialectOf(db).chunks.ids;
  for (let i = 0; i < ids.length; i += perList) {
    const chunk = ids.slice(i, i + perList);
    // By primary key alone, workspace checked here: with a workspace_id condition SQLite's planner (no
    // statistics) picked the seat index and scanned every member of the workspace for each chunk.
    const rows = await db.selectFrom('membership').select(['id', 'user_name', 'workspace_id']).where('id', 'in', chunk).execute();
    for (const row of rows) if (row.workspace_id === workspaceId) found.set(row.id, row.user_name);
  }
  return found;
}
