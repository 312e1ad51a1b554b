import type { Kysely } from 'kysely';
import type { ApiKeyRow, Database, WorkspaceRow } from './database.js';
import { preparedQuery } from './prepared-query.js';

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

/** Compiled once: every SCIM request runs it. */
const keyWithWorkspace = preparedQuery(
  (db, id: string) =>
    db
      .selectFrom('api_key')
      .innerJoin('workspace', 'workspace.id', 'api_key.workspace_id')
      .select([
        'api_key.id as key_id',
        'api_key.workspace_id as key_workspace_id',
        'api_key.name as key_name',
        'api_key.description as key_description',
        'api_key.hash as key_hash',
        'api_key.created_at as key_created_at',
        'api_key.last_used_at as key_last_used_at',
        'api_key.revoked_at as key_revoked_at',
      ])
      .selectAll('workspace')
      .where('api_key.id', '=', id),
  [''],
);

export async function findApiKeyForAuth(db: Db, id: string): Promise<{ key: ApiKeyRow; workspace: WorkspaceRow } | undefined> {
  const [row] = await keyWithWorkspace(db, id);
  if (!row) return undefined;
  const { key_id, key_workspace_id, key_name, key_description, key_hash, key_created_at, key_last_used_at, key_revoked_at, ...workspace } = row;
  return {
    key: {
      id: key_id,
      workspace_id: key_workspace_id,
      name: key_name,
      description: key_description,
      hash: key_hash,
      created_at: key_created_at,
      last_used_at: key_last_used_at,
      revoked_at: key_revoked_at,
    },
    workspace,
  };
}

export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKeyInfo[]> {
  const rows = await db.selectFrom('api_key').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toInfo);
}

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
