import type { Config } from '../config/config-schema.js';
import { configReferences } from './configured-workspaces.js';
import { RosterdError } from '../error/rosterd-error.js';
import type { Store } from '../store/store.js';
import { deleteWorkspaceRows, findWorkspace } from '../store/workspace-repository.js';

/** Deletes everything the workspace holds. Refused while the configuration names it, which would then fail constantly. */
export async function deleteWorkspace(store: Store, config: Readonly<Config>, id: string): Promise<void> {
  const references = configReferences(config, id);
  if (references.length) throw new RosterdError('ROSTERD_E_CONFLICT', `workspace "${id}" is still named by ${references.join(' and ')} in the configuration; remove ${references.length > 1 ? 'them' : 'it'} first`);
  await store.writeTransaction(async (trx) => {
    if (!(await findWorkspace(trx, id))) throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${id}" does not exist; see rosterd workspace list`);
    await deleteWorkspaceRows(trx, id);
  });
}
