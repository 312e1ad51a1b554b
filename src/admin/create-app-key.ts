import type { Kysely } from 'kysely';
import { RosterdError } from '../error/rosterd-error.js';
import { generateAppKey } from '../model/app-key-token.js';
import { activeAppKeysNamed, insertAppKey, type AppKeyInfo } from '../store/app-key-repository.js';
import type { Database } from '../store/database.js';
import { findWorkspace } from '../store/workspace-repository.js';

/** For one workspace or (null) all. The token is returned only here; active names are unique per scope. */
export async function createAppKey(
  db: Kysely<Database>,
  input: { workspaceId: string | null; name: string; description?: string; now: string },
): Promise<{ key: AppKeyInfo; token: string }> {
  if (input.workspaceId !== null && !(await findWorkspace(db, input.workspaceId))) {
    throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${input.workspaceId}" does not exist; see rosterd workspace list`);
  }
  if (input.name.trim() === '') throw new RosterdError('ROSTERD_E_USAGE', 'the app key needs a name, e.g. --name "billing backend"');
  const scope = input.workspaceId === null ? 'all-workspaces' : { workspaceId: input.workspaceId };
  if ((await activeAppKeysNamed(db, input.name, scope)).some((k) => k.name === input.name)) {
    const owner = input.workspaceId === null ? 'there is already an active all-workspaces app key' : `workspace "${input.workspaceId}" already has an active app key`;
    throw new RosterdError('ROSTERD_E_CONFLICT', `${owner} named "${input.name}"; revoke it or pick another name`);
  }
  const { keyId, token, hash } = generateAppKey();
  const description = input.description ?? null;
  await insertAppKey(db, { id: keyId, workspaceId: input.workspaceId, name: input.name, description, hash, createdAt: input.now });
  return { key: { id: keyId, workspaceId: input.workspaceId, name: input.name, description, createdAt: input.now, lastUsedAt: null, revokedAt: null }, token };
}
