import type { Kysely } from 'kysely';
import { RosterdError } from '../error/rosterd-error.js';
import type { Workspace } from '../model/workspace.js';
import type { Database } from '../store/database.js';
import { findWorkspace } from '../store/workspace-repository.js';

/** The workspace a command names, or the one clear error every command gives when it does not exist. */
export async function requireWorkspace(db: Kysely<Database>, id: string): Promise<Workspace> {
  const workspace = await findWorkspace(db, id);
  if (!workspace) throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${id}" does not exist; see rosterd workspace list`);
  return workspace;
}
