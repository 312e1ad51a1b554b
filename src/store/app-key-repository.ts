import type { Kysely } from 'kysely';
import type { AppKeyRow, Database } from './database.js';

type Db = Kysely<Database>;

export interface AppKeyInfo {
  id: string;
  /** Null: the key reaches every workspace. */
  workspaceId: string | null;
  name: string;
  description: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** One workspace's keys, the all-workspaces keys, or every key. */
export type AppKeyScope = { workspaceId: string } | 'all-workspaces' | 'every';

export const toAppKeyInfo = (row: AppKeyRow): AppKeyInfo => ({
  id: row.id,
  workspaceId: row.workspace_id,
  name: row.name,
  description: row.description,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export async function insertAppKey(
  db: Db,
  key: { id: string; workspaceId: string | null; name: string; description: string | null; hash: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('app_key')
    .values({
      id: key.id,
      workspace_id: key.workspaceId,
      name: key.name,
      description: key.description,
      hash: key.hash,
      created_at: key.createdAt,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
}

export async function findAppKey(db: Db, id: string): Promise<AppKeyRow | undefined> {
  return db.selectFrom('app_key').selectAll().where('id', '=', id).executeTakeFirst();
}

const workspaceOf = (scope: AppKeyScope): string | undefined => (typeof scope === 'object' ? scope.workspaceId : undefined);

export async function listAppKeys(db: Db, scope: AppKeyScope): Promise<AppKeyInfo[]> {
  const workspaceId = workspaceOf(scope);
  const rows = await db
    .selectFrom('app_key')
    .selectAll()
    .$if(scope === 'all-workspaces', (q) => q.where('workspace_id', 'is', null))
    .$if(workspaceId !== undefined, (q) => q.where('workspace_id', '=', workspaceId!))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toAppKeyInfo);
}

/** A revocation needs exactly one. */
export async function activeAppKeysNamed(db: Db, idOrName: string, scope: AppKeyScope): Promise<AppKeyInfo[]> {
  const workspaceId = workspaceOf(scope);
  const rows = await db
    .selectFrom('app_key')
    .selectAll()
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .$if(scope === 'all-workspaces', (q) => q.where('workspace_id', 'is', null))
    .$if(workspaceId !== undefined, (q) => q.where('workspace_id', '=', workspaceId!))
    .orderBy('id')
    .execute();
  return rows.map(toAppKeyInfo);
}

export async function revokeAppKeyById(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('app_key').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

export async function touchAppKey(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('app_key').set({ last_used_at: now }).where('id', '=', id).execute();
}
