import { describeIssues } from '../config/load-config.js';
import { RosterdError } from '../error/rosterd-error.js';
import { mergePolicy } from '../model/merge-policy.js';
import { keysForOtherVersion } from '../model/policy-version-fit.js';
import { workspacePolicySchema, type WorkspacePolicyInput } from '../model/workspace-policy.js';
import type { Workspace } from '../model/workspace.js';
import type { Store } from '../store/store.js';
import { findWorkspace, takeWriteLock, updateWorkspaceSettings } from '../store/workspace-repository.js';

export interface UpdateWorkspaceInput {
  name?: string;
  /** Laid over the current policy (mergePolicy). */
  policy?: WorkspacePolicyInput;
  now: string;
}

/**
 * The new policy is validated whole against the workspace's version. The revision moves, so plans made under the old
 * policy go stale; members meet the new policy from their next write (a lowered seat capacity removes nobody).
 */
export async function updateWorkspace(store: Store, id: string, input: UpdateWorkspaceInput): Promise<{ before: Workspace; after: Workspace }> {
  return store.writeTransaction(async (trx) => {
    const before = await findWorkspace(trx, id);
    if (!before) throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${id}" does not exist; see rosterd workspace list`);
    const { workspace } = await takeWriteLock(trx, id);
    const change = input.policy ?? {};
    const misfits = keysForOtherVersion(workspace.version, change);
    if (misfits.length) throw new RosterdError('ROSTERD_E_USAGE', `a ${workspace.version} workspace has no ${misfits.join(' or ')}; ${workspace.version === 'v1' ? 'roles belong to v2 workspaces' : 'seats belong to v1 workspaces'}`);
    const parsed = workspacePolicySchema.safeParse(mergePolicy(workspace.policy, change));
    if (!parsed.success) throw new RosterdError('ROSTERD_E_USAGE', `workspace policy: ${describeIssues(parsed.error.issues)}`);
    const after: Workspace = { ...workspace, name: input.name ?? workspace.name, policy: parsed.data, updatedAt: input.now };
    await updateWorkspaceSettings(trx, after);
    return { before, after };
  });
}
