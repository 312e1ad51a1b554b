import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { listWorkspaces } from '../store/workspace-repository.js';
import { createApiKey } from './create-api-key.js';
import { createWorkspace } from './create-workspace.js';

/**
 * First start on an empty database: a V2 workspace and one API key, so a newcomer can point an IdP (or curl)
 * at rosterd at once. The key is returned to be printed once; later starts find workspaces and do nothing.
 */
export async function bootstrapWorkspace(db: Kysely<Database>, workspaceId: string | null, now: string): Promise<{ workspaceId: string; token: string } | null> {
  if (workspaceId === null || (await listWorkspaces(db)).length > 0) return null;
  await createWorkspace(db, { id: workspaceId, name: `${workspaceId} workspace`, version: 'v2', now });
  const { token } = await createApiKey(db, { workspaceId, name: 'bootstrap', description: 'created on first start', now });
  return { workspaceId, token };
}
