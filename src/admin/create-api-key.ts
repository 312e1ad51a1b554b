import type { Kysely } from 'kysely';
import { RosterdError } from '../error/rosterd-error.js';
import { generateApiKey } from '../model/api-key-token.js';
import { insertApiKey, listApiKeys, type ApiKeyInfo } from '../store/api-key-repository.js';
import type { Database } from '../store/database.js';
import { findWorkspace } from '../store/workspace-repository.js';

/** The token is returned only here; only its hash is stored. */
export async function createApiKey(
  db: Kysely<Database>,
  input: { workspaceId: string; name: string; description?: string; now: string },
): Promise<{ key: ApiKeyInfo; token: string }> {
  if (!(await findWorkspace(db, input.workspaceId))) throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${input.workspaceId}" does not exist`);
  if (input.name.trim() === '') throw new RosterdError('ROSTERD_E_USAGE', 'the key needs a name, e.g. --name "Entra SCIM"');
  const active = (await listApiKeys(db, input.workspaceId)).filter((k) => k.revokedAt === null);
  if (active.some((k) => k.name === input.name)) {
    throw new RosterdError('ROSTERD_E_CONFLICT', `workspace "${input.workspaceId}" already has an active key named "${input.name}"; revoke it or pick another name`);
  }
  const { keyId, token, hash } = generateApiKey();
  await insertApiKey(db, { id: keyId, workspaceId: input.workspaceId, name: input.name, description: input.description ?? null, hash, createdAt: input.now });
  return {
    key: { id: keyId, workspaceId: input.workspaceId, name: input.name, description: input.description ?? null, createdAt: input.now, lastUsedAt: null, revokedAt: null },
    token,
  };
}
