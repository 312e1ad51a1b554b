import { workspacePolicySchema, type WorkspacePolicyInput } from './workspace-policy.js';
import type { WorkspaceVersion } from './workspace.js';

const ONLY_IN: Record<WorkspaceVersion, readonly (keyof WorkspacePolicyInput)[]> = {
  v1: ['seats', 'defaultSeatType'],
  v2: ['defaultRole', 'roleSource', 'roleValueMap', 'rolePrecedence'],
};

const DEFAULTS = workspacePolicySchema.parse({}) as Record<string, unknown>;

/** Refused rather than silently ignored; a key at its default passes, so `workspace show --json` works as input. */
export function keysForOtherVersion(version: WorkspaceVersion, input: WorkspacePolicyInput): (keyof WorkspacePolicyInput)[] {
  const other: WorkspaceVersion = version === 'v1' ? 'v2' : 'v1';
  return ONLY_IN[other].filter((key) => input[key] !== undefined && JSON.stringify(input[key]) !== JSON.stringify(DEFAULTS[key]));
}
