import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { listWorkspaces } from '../store/workspace-repository.js';
import { createApiKey } from './create-api-key.js';
import { createWorkspace } from './create-workspace.js';

/**
 * On an empty database: a V2 workspace and an API key, so a newcomer can point an IdP at rosterd at once. The key is
 * returned to print once; later starts do nothing.
 */
export async function bootstrapWorkspace(db: Kysely<Database>, workspaceId: string | null, now: string): Promise<{ workspaceId: string; token: string } | null> {
  if (workspaceId === null || (await listWorkspaces(db)).length > 0) return null;
  await createWorkspace(db, { id: workspaceId, name: `${workspaceId} workspace`, version: 'v2', now });
  const { token } = await createApiKey(db, { workspaceId, name: 'bootstrap', description: 'created on first start', now });
  return { workspaceId, token };
}
