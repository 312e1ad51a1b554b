import type { WorkspacePolicyInput } from './workspace-policy.js';

const MERGED_KEYS = new Set<string>(['seats', 'groups', 'deletionBudget', 'roleSource']);

/** Keys replace, except MERGED_KEYS, which merge key by key. */
export function mergePolicy(current: WorkspacePolicyInput, change: WorkspacePolicyInput): WorkspacePolicyInput {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) continue;
    const before = merged[key];
    merged[key] = MERGED_KEYS.has(key) && isPlainObject(before) && isPlainObject(value) ? { ...before, ...value } : value;
  }
  return merged as WorkspacePolicyInput;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
