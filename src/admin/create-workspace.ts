import type { Kysely } from 'kysely';
import { RosterdError } from '../error/rosterd-error.js';
import { workspacePolicySchema, type WorkspacePolicyInput } from '../model/workspace-policy.js';
import { mergePolicy } from '../model/merge-policy.js';
import { keysForOtherVersion } from '../model/policy-version-fit.js';
import { WORKSPACE_ID_PATTERN, type Workspace, type WorkspaceVersion } from '../model/workspace.js';
import { DEFAULT_EXTENSION_URN } from '../scim/schema/workspace-extension-schema.js';
import type { Database } from '../store/database.js';
import { findWorkspace, insertWorkspace } from '../store/workspace-repository.js';
import { describeIssues } from '../config/load-config.js';
import { loadPreset } from './preset.js';

export interface CreateWorkspaceInput {
  id: string;
  name?: string;
  version?: WorkspaceVersion;
  preset?: string;
  extensionUrn?: string;
  /** Laid over the preset's policy (mergePolicy). */
  policy?: WorkspacePolicyInput;
  now: string;
}

export async function createWorkspace(db: Kysely<Database>, input: CreateWorkspaceInput): Promise<Workspace> {
  if (!WORKSPACE_ID_PATTERN.test(input.id)) {
    throw new RosterdError('ROSTERD_E_USAGE', `workspace id "${input.id}" must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
  if (await findWorkspace(db, input.id)) throw new RosterdError('ROSTERD_E_CONFLICT', `workspace "${input.id}" already exists`);
  const preset = input.preset ? loadPreset(input.preset) : undefined;
  const version = input.version ?? preset?.version ?? 'v2';
  if (preset && input.version && input.version !== preset.version) {
    throw new RosterdError('ROSTERD_E_USAGE', `preset ${input.preset} is a ${preset.version} workspace; drop --version or pick another preset`);
  }
  const misfits = keysForOtherVersion(version, input.policy ?? {});
  if (misfits.length) throw new RosterdError('ROSTERD_E_USAGE', `a ${version} workspace has no ${misfits.join(' or ')}; ${version === 'v1' ? 'roles belong to v2 workspaces' : 'seats belong to v1 workspaces'}`);
  const merged = mergePolicy(preset?.policy ?? {}, input.policy ?? {});
  const parsed = workspacePolicySchema.safeParse(merged);
  if (!parsed.success) throw new RosterdError('ROSTERD_E_USAGE', `workspace policy: ${describeIssues(parsed.error.issues)}`);
  const workspace: Workspace = {
    id: input.id,
    name: input.name ?? input.id,
    version,
    extensionUrn: input.extensionUrn ?? preset?.extensionUrn ?? DEFAULT_EXTENSION_URN,
    policy: parsed.data,
    revision: 0,
    createdAt: input.now,
    updatedAt: input.now,
  };
  await insertWorkspace(db, workspace);
  return workspace;
}
