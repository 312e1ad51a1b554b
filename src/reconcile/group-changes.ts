import { timeOrderedId } from '../model/time-ordered-id.js';
import type { Group, GroupFields } from '../model/group.js';
import type { Workspace } from '../model/workspace.js';
import type { Change } from '../model/plan.js';

/** Shared by SCIM and pull: the app-facing name carries the workspace prefix; in projects mode new members get the project role. */
export function groupChanges(
  workspace: Workspace,
  current: Group | null,
  desired: GroupFields | null,
  currentMembers: ReadonlySet<string>,
  desiredMembers: ReadonlySet<string> | null,
  memberKey: (id: string) => string,
): Change[] {
  const changes: Change[] = [];
  const appName = (displayName: string) => `${workspace.policy.groups.displayNamePrefix}${displayName}`;
  let groupId: string;
  let groupKey: string;
  if (!current) {
    if (!desired) return [];
    groupId = timeOrderedId();
    groupKey = desired.displayName;
    changes.push({
      action: 'create',
      kind: 'group',
      key: groupKey,
      targetId: groupId,
      before: null,
      after: { displayName: desired.displayName, externalId: desired.externalId, appName: appName(desired.displayName) },
    });
  } else {
    groupId = current.id;
    groupKey = current.displayName;
    if (desired) {
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      if (desired.displayName !== current.displayName) {
        before.displayName = current.displayName;
        after.displayName = desired.displayName;
        before.appName = current.appName;
        after.appName = appName(desired.displayName);
      }
      if (desired.externalId !== current.externalId) {
        before.externalId = current.externalId;
        after.externalId = desired.externalId;
      }
      if (Object.keys(after).length > 0) changes.push({ action: 'update', kind: 'group', key: groupKey, targetId: groupId, before, after });
    }
  }
  if (desiredMembers) {
    const projectRole = workspace.policy.groups.mode === 'projects' ? workspace.policy.groups.projectRole : null;
    for (const id of desiredMembers) {
      if (currentMembers.has(id)) continue;
      changes.push({
        action: 'create',
        kind: 'group_member',
        key: `${groupKey} ← ${memberKey(id)}`,
        targetId: `${groupId}/${id}`,
        before: null,
        after: { groupId, memberId: id, projectRole },
      });
    }
    for (const id of currentMembers) {
      if (desiredMembers.has(id)) continue;
      changes.push({
        action: 'remove',
        kind: 'group_member',
        key: `${groupKey} ← ${memberKey(id)}`,
        targetId: `${groupId}/${id}`,
        before: { groupId, memberId: id },
        after: null,
      });
    }
  }
  return changes;
}
