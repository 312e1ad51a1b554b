import { timeOrderedId } from '../model/time-ordered-id.js';
import { diffMemberFields, memberFieldsOf, type Member, type MemberFields } from '../model/member.js';
import type { Workspace } from '../model/workspace.js';
import type { Change } from './plan.js';

/**
 * The change that takes a member from its current state to the desired one, shared by SCIM writes and pull
 * diffs: creation-only attributes keep their first value, `active=false` follows the workspace's deprovisioning
 * setting, and an unchanged member is a skip, not a write.
 */
export function memberChange(workspace: Workspace, current: Member | null, desired: MemberFields): Change {
  if (!current) {
    return { action: 'create', kind: 'member', key: desired.userName, targetId: timeOrderedId(), before: null, after: { ...desired } };
  }
  const next: MemberFields = { ...desired };
  for (const field of workspace.policy.creationOnly) (next as unknown as Record<string, unknown>)[field] = current[field];
  const base = { kind: 'member' as const, key: current.userName, targetId: current.id, ...(current.owner ? { owner: true } : {}) };
  const diff = diffMemberFields(current, next);
  if (!diff) return { ...base, action: 'skip', before: null, after: null, reason: 'no changes' };
  if (current.active && !next.active) {
    if (workspace.policy.deprovision === 'remove') {
      return { ...base, action: 'remove', before: { ...memberFieldsOf(current) }, after: null, reason: 'deactivated; the workspace removes deactivated members' };
    }
    return { ...base, action: 'deactivate', before: diff.before, after: diff.after };
  }
  if (!current.active && next.active) return { ...base, action: 'reactivate', before: diff.before, after: diff.after };
  return { ...base, action: 'update', before: diff.before, after: diff.after };
}

/** Removing a member (DELETE): the membership goes, the account stays. */
export function memberRemoval(current: Member, reason: string): Change {
  return {
    action: 'remove',
    kind: 'member',
    key: current.userName,
    targetId: current.id,
    before: { ...memberFieldsOf(current) },
    after: null,
    reason,
    ...(current.owner ? { owner: true } : {}),
  };
}
