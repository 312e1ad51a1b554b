import { workspacePolicySchema, type WorkspacePolicyInput } from './workspace-policy.js';
import type { WorkspaceVersion } from './workspace.js';

/** Policy keys that only one version reads: V1 sells seats, V2 gives roles. */
const ONLY_IN: Record<WorkspaceVersion, readonly (keyof WorkspacePolicyInput)[]> = {
  v1: ['seats', 'defaultSeatType'],
  v2: ['defaultRole', 'roleSource', 'roleValueMap', 'rolePrecedence'],
};

const DEFAULTS = workspacePolicySchema.parse({}) as Record<string, unknown>;

/**
 * The keys of `input` (what the admin asked for, before defaults) that a `version` workspace would ignore, so that
 * `--version v1 --default-role admin` is refused instead of silently stored. A key at its default value passes: the
 * output of `workspace show --json` holds every key and must work as a policy file.
 */
export function keysForOtherVersion(version: WorkspaceVersion, input: WorkspacePolicyInput): (keyof WorkspacePolicyInput)[] {
  const other: WorkspaceVersion = version === 'v1' ? 'v2' : 'v1';
  return ONLY_IN[other].filter((key) => input[key] !== undefined && JSON.stringify(input[key]) !== JSON.stringify(DEFAULTS[key]));
}
