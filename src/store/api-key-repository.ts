import type { Kysely } from 'kysely';
import type { ApiKeyRow, Database } from './database.js';

type Db = Kysely<Database>;

export interface ApiKeyInfo {
  id: string;
  workspaceId: string;
  name: string;
  description: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const toInfo = (row: ApiKeyRow): ApiKeyInfo => ({
  id: row.id,
  workspaceId: row.workspace_id,
  name: row.name,
  description: row.description,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export async function insertApiKey(
  db: Db,
  key: { id: string; workspaceId: string; name: string; description: string | null; hash: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('api_key')
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

/** The row the authenticator needs: hash, workspace, revocation, last use. */
export async function findApiKeyForAuth(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_key').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKeyInfo[]> {
  const rows = await db.selectFrom('api_key').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toInfo);
}

/** Revoke by id or by name; returns the revoked key, or undefined when nothing matched. */
export async function revokeApiKey(db: Db, workspaceId: string, idOrName: string, now: string): Promise<ApiKeyInfo | undefined> {
  const row = await db
    .selectFrom('api_key')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .executeTakeFirst();
  if (!row) return undefined;
  await db.updateTable('api_key').set({ revoked_at: now }).where('id', '=', row.id).execute();
  return toInfo({ ...row, revoked_at: now });
}

export async function touchApiKey(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('api_key').set({ last_used_at: now }).where('id', '=', id).execute();
}
