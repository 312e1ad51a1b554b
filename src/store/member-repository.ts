import type { Expression, Kysely, SqlBool } from 'kysely';
import type { GroupRef } from '../model/group.js';
import type { Member } from '../model/member.js';
import type { Database } from './database.js';
import { dialectOf } from './dialect-support.js';
import { rowToMember, rowToMemberWithSources } from './member-row.js';
import { listPage, type ListPage } from './list-page.js';
import { preparedQuery } from './prepared-query.js';
import { listChunks } from './list-chunks.js';

type Db = Kysely<Database>;

export type MemberKey = 'id' | 'userName' | 'externalId';

const KEY_COLUMN = { id: 'id', userName: 'user_name_lower', externalId: 'external_id' } as const;

/** userName is unique regardless of case: its column is lower-cased. */
const keyValue = (key: MemberKey, value: string): string => (key === 'userName' ? value.toLowerCase() : value);

const byKey = (db: Db, key: MemberKey, workspaceId: string, value: string) =>
  db.selectFrom('membership').selectAll('membership').where('membership.workspace_id', '=', workspaceId).where(`membership.${KEY_COLUMN[key]}`, '=', value);

/** Compiled once: every IdP request starts with one. */
function lookup(key: MemberKey) {
  return preparedQuery((db, workspaceId: string, value: string) => byKey(db, key, workspaceId, value), ['', '']);
}

/** With its groups in one statement (a correlated JSON subquery). */
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

/** Moves with every write; undefined when gone. */
export async function memberVersion(db: Db, workspaceId: string, id: string): Promise<number | undefined> {
  const [row] = await versionById(db, workspaceId, id);
  return row ? Number(row.version) : undefined;
}

export async function findMemberWithGroups(db: Db, workspaceId: string, key: MemberKey, value: string): Promise<{ member: Member; groups: GroupRef[] } | undefined> {
  const [row] = await withGroups[key](db, workspaceId, keyValue(key, value));
  if (!row) return undefined;
  // rowToMember ignores groups_json; copying the row without it costs more.
  const groups = row.groups_json;
  // SQLite returns JSON as text; pg parses it.
  return { member: rowToMember(row), groups: (typeof groups === 'string' ? JSON.parse(groups) : groups) as GroupRef[] };
}

export async function listMembers(
  db: Db,
  workspaceId: string,
  where: Expression<SqlBool> | undefined,
  page: ListPage,
): Promise<{ total: number; members: Member[] }> {
  const { total, rows } = await listPage(db, 'membership', workspaceId, where, page);
  return { total, members: rows.map(page.fieldSources ? rowToMemberWithSources : rowToMember) };
}

/** For the V1 capacity rule. */
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

/** id → userName of the workspace's members among `ids`. */
export async function existingMemberIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of listChunks(ids, dialectOf(db).chunks.ids)) {
    // By primary key only: with workspace_id, SQLite (no statistics) scans the seat index.
    const rows = await db.selectFrom('membership').select(['id', 'user_name', 'workspace_id']).where('id', 'in', chunk).execute();
    for (const row of rows) if (row.workspace_id === workspaceId) found.set(row.id, row.user_name);
  }
  return found;
}
