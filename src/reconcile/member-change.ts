import { timeOrderedId } from '../model/time-ordered-id.js';
import { diffMemberFields, memberFieldsOf, type Member, type MemberFields } from '../model/member.js';
import type { Workspace } from '../model/workspace.js';
import type { Change } from '../model/plan.js';

/**
 * Shared by SCIM writes and pull diffs: creation-only attributes keep their first value, `active=false` follows the
 * workspace's deprovisioning setting, and an unchanged member is a skip, not a write.
 */
export function memberChange(workspace: Workspace, current: Member | null, desired: MemberFields): Change {
  if (!current) {
    return { action: 'create', kind: 'member', key: desired.userName, targetId: timeOrderedId(), before: null, after: { ...desired } };
  }
  const next: MemberFields = Object.assign({}, desired);
  for (const field of workspace.policy.creationOnly) (next as unknown as Record<string, unknown>)[field] = current[field];
  // Built property by property: a spread followed by properties is slow on this hot path.
  const change = (action: Change['action'], before: Change['before'], after: Change['after'], reason?: string): Change => {
    const built: Change = { kind: 'member', key: current.userName, targetId: current.id, action, before, after };
    if (current.owner) built.owner = true;
    if (reason !== undefined) built.reason = reason;
    return built;
  };
  const diff = diffMemberFields(current, next);
  if (!diff) return change('skip', null, null, 'no changes');
  if (current.active && !next.active) {
    if (workspace.policy.deprovision === 'remove') {
      return change('remove', { ...memberFieldsOf(current) }, null, 'deactivated; the workspace removes deactivated members');
    }
    return change('deactivate', diff.before, diff.after);
  }
  if (!current.active && next.active) return change('reactivate', diff.before, diff.after);
  return change('update', diff.before, diff.after);
}

/** DELETE: the membership goes, the account stays. */
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
