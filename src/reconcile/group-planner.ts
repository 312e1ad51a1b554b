import type { SnapshotMember } from '../connector/snapshot-member.js';
import type { Group } from '../model/group.js';
import type { Change } from '../model/plan.js';
import type { Workspace } from '../model/workspace.js';
import { conflict, skip } from './skip-change.js';

interface GroupPlan {
  id: string;
  displayName: string;
  /** Why members cannot be added (a name clash), or null. */
  blocked: string | null;
}

const lower = (s: string) => s.toLowerCase();

/**
 * The groups side of a pull plan: each IdP group a grant names becomes a store group (created, renamed or matched on
 * first sight), member links follow grants, and after a complete full read ungranted binding groups are removed.
 */
export class GroupPlanner {
  private readonly seen = new Set<string>();
  private readonly byExternalId = new Map<string, Group>();
  private readonly byName = new Map<string, Group>();
  private readonly byId = new Map<string, Group>();
  private readonly planned = new Map<string, GroupPlan>();
  private readonly plannedByExternalId = new Map<string, GroupPlan>();

  constructor(
    private readonly workspace: Workspace,
    private readonly binding: string,
    private readonly groups: readonly Group[],
    private readonly newId: () => string,
  ) {
    for (const group of groups) {
      if (group.externalId !== null) this.byExternalId.set(group.externalId, group);
      this.byName.set(lower(group.displayName), group);
      this.byId.set(group.id, group);
    }
  }

  sweep(): Change[] {
    const changes: Change[] = [];
    for (const group of this.groups) {
      if (group.managedBy !== this.binding || group.externalId === null || this.seen.has(group.externalId)) continue;
      changes.push({ action: 'remove', kind: 'group', key: group.displayName, targetId: group.id, before: { displayName: group.displayName, externalId: group.externalId }, after: null, reason: 'no longer assigned in the IdP' });
    }
    return changes;
  }

  /** Against the member's current binding-managed groups. */
  memberships(entry: SnapshotMember, memberId: string, currentGroups: ReadonlySet<string>): Change[] {
    const changes: Change[] = [];
    const desired = new Set<string>();
    for (const grant of entry.grants) {
      if (grant.via !== 'group' || !grant.groupId) continue;
      const group = this.groupFor(grant.groupId, grant.groupName ?? grant.groupId, changes);
      if (group.blocked) {
        changes.push(conflict(`${group.displayName} ← ${entry.userName}`, `${group.id}/${memberId}`, group.blocked, 'group_member'));
        continue;
      }
      desired.add(group.id);
    }
    const projectRole = this.workspace.policy.groups.mode === 'projects' ? this.workspace.policy.groups.projectRole : null;
    for (const groupId of desired) {
      if (currentGroups.has(groupId)) continue;
      const name = this.planned.get(groupId)?.displayName ?? groupId;
      changes.push({ action: 'create', kind: 'group_member', key: `${name} ← ${entry.userName}`, targetId: `${groupId}/${memberId}`, before: null, after: { groupId, memberId, projectRole } });
    }
    for (const groupId of currentGroups) {
      if (desired.has(groupId) || this.byId.get(groupId)?.managedBy !== this.binding) continue;
      const name = this.planned.get(groupId)?.displayName ?? this.byId.get(groupId)?.displayName ?? groupId;
      changes.push({ action: 'remove', kind: 'group_member', key: `${name} ← ${entry.userName}`, targetId: `${groupId}/${memberId}`, before: { groupId, memberId }, after: null, reason: 'the IdP no longer grants access through this group' });
    }
    return changes;
  }

  /** Plans a group's creation or rename on first sight. */
  private groupFor(externalId: string, displayName: string, changes: Change[]): GroupPlan {
    const known = this.plannedByExternalId.get(externalId);
    if (known) return known;
    this.seen.add(externalId);
    const appName = `${this.workspace.policy.groups.displayNamePrefix}${displayName}`;
    const existing = this.byExternalId.get(externalId);
    const clash = this.byName.get(lower(displayName));
    let plan: GroupPlan;
    if (existing) {
      plan = { id: existing.id, displayName, blocked: null };
      if (existing.displayName !== displayName) {
        if (clash && clash.id !== existing.id) {
          changes.push(skip(existing.displayName, existing.id, `cannot rename group "${existing.displayName}" to "${displayName}": another group has that name`, 'group'));
          plan.displayName = existing.displayName;
        } else {
          changes.push({ action: 'update', kind: 'group', key: existing.displayName, targetId: existing.id, before: { displayName: existing.displayName, appName: existing.appName }, after: { displayName, appName }, managedBy: this.binding });
        }
      }
    } else if (clash && clash.externalId === null && clash.managedBy === null) {
      // A pushed group without externalId (Okta never sends one) is the IdP's group of that name.
      plan = { id: clash.id, displayName: clash.displayName, blocked: null };
    } else if (clash) {
      plan = { id: clash.id, displayName, blocked: `group "${clash.displayName}" already exists and is not linked to IdP group ${externalId}; rename one of them` };
      changes.push(skip(displayName, clash.id, plan.blocked!, 'group'));
    } else {
      plan = { id: this.newId(), displayName, blocked: null };
      changes.push({ action: 'create', kind: 'group', key: displayName, targetId: plan.id, before: null, after: { displayName, externalId, appName }, managedBy: this.binding });
    }
    this.plannedByExternalId.set(externalId, plan);
    this.planned.set(plan.id, plan);
    return plan;
  }
}
