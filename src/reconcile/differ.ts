import type { RemovedMember, SnapshotMember } from '../connector/snapshot-member.js';
import type { Group } from '../model/group.js';
import { emptyMemberFields, memberFieldsOf, type Member, type MemberFields } from '../model/member.js';
import type { Workspace } from '../model/workspace.js';
import { desiredMemberFields } from './desired-member.js';
import { memberChange, memberRemoval } from './member-change.js';
import type { Change } from './plan.js';
import { evaluatePolicyCarrying, ownerRefusal } from './policy.js';

/**
 * The pull diff as a state machine fed page by page: no I/O and no clock (ids come from `newId`), so the same
 * inputs always give the same changes. The reconciler streams the IdP's pages through `page()` with the store
 * rows that match them, then, only for a complete full read, `sweep()` with the members the binding manages,
 * and finally `finish()`. `diff()` (diff.ts) is the one-call form over whole arrays.
 */
export interface DiffOptions {
  workspace: Workspace;
  /** The binding's name: what `managed_by` says for the members and groups it owns. */
  binding: string;
  /** Active members per seat type before the plan (V1 capacity is carried through the whole plan). */
  seatsInUse: Partial<Record<string, number>>;
  /** Every group of the workspace: matched by externalId, checked for displayName clashes. */
  groups: readonly Group[];
  newId: () => string;
}

/** The store rows one page needs. */
export interface StoreSlice {
  /** Members whose externalId or (case-insensitive) userName matches a member of the page. */
  members: readonly Member[];
  /** Member id → ids of the groups it belongs to now (memberships are removed only from the binding's own groups). */
  groupsOf: ReadonlyMap<string, ReadonlySet<string>>;
}

/** What the sweep needs of a managed member: enough to deprovision it. */
export type ManagedMember = Pick<Member, 'id' | 'externalId' | 'userName' | 'active' | 'owner' | 'version'> & MemberFields;

interface GroupPlan {
  id: string;
  displayName: string;
  /** Why members cannot be added to it (a displayName clash), or null. */
  blocked: string | null;
}

const lower = (s: string) => s.toLowerCase();

export class Differ {
  private readonly seen = new Set<string>();
  private readonly seenGroups = new Set<string>();
  private readonly groupsByExternalId = new Map<string, Group>();
  private readonly groupsByName = new Map<string, Group>();
  private readonly groupsById = new Map<string, Group>();
  private readonly plannedGroups = new Map<string, GroupPlan>();
  private readonly plannedByExternalId = new Map<string, GroupPlan>();
  /** userName (lower-cased) → externalId of the IdP user this plan gives it to. */
  private readonly plannedUserNames = new Map<string, string>();
  private seats: Partial<Record<string, number>>;
  /** Deactivations plus removals of members so far: what the deletion budget counts. */
  deletions = 0;
  /** Members compared so far. */
  compared = 0;

  constructor(private readonly options: DiffOptions) {
    this.seats = { ...options.seatsInUse };
    for (const group of options.groups) {
      if (group.externalId !== null) this.groupsByExternalId.set(group.externalId, group);
      this.groupsByName.set(lower(group.displayName), group);
      this.groupsById.set(group.id, group);
    }
  }

  /** Changes for one page of the IdP's members (a full read) or changes (an incremental read). */
  page(entries: readonly (SnapshotMember | RemovedMember)[], slice: StoreSlice): Change[] {
    const byExternalId = new Map<string, Member>();
    const byUserName = new Map<string, Member>();
    for (const member of slice.members) {
      if (member.externalId !== null) byExternalId.set(member.externalId, member);
      byUserName.set(lower(member.userName), member);
    }
    const changes: Change[] = [];
    for (const entry of entries) {
      this.compared++;
      if ('removed' in entry) {
        const current = byExternalId.get(entry.externalId);
        if (current && current.managedBy === this.options.binding) {
          const change = this.deprovision(current, entry.reason === 'deleted' ? 'deleted in the IdP' : 'no longer assigned in the IdP');
          if (change) changes.push(change);
        }
        continue;
      }
      changes.push(...this.member(entry, byExternalId, byUserName, slice.groupsOf));
    }
    return changes;
  }

  /** Of the binding's members (id, externalId), the ids the read did not list: the candidates for `sweep`. */
  unseen(keys: Iterable<{ id: string; externalId: string | null }>): string[] {
    const ids: string[] = [];
    for (const key of keys) if (key.externalId === null || !this.seen.has(key.externalId)) ids.push(key.id);
    return ids;
  }

  /**
   * After a complete full read: every member the binding manages that the IdP no longer lists is deprovisioned
   * the workspace's way. Never called for an incomplete read: a missing page is not a missing person.
   */
  sweep(managed: Iterable<ManagedMember>): Change[] {
    const changes: Change[] = [];
    for (const member of managed) {
      if (member.externalId !== null && this.seen.has(member.externalId)) continue;
      const change = this.deprovision(member as Member, 'no longer assigned in the IdP');
      if (change) changes.push(change);
    }
    return changes;
  }

  /** After a complete full read: the binding's groups that no assignment mentions any more are removed. */
  sweepGroups(): Change[] {
    const changes: Change[] = [];
    for (const group of this.options.groups) {
      if (group.managedBy !== this.options.binding || group.externalId === null || this.seenGroups.has(group.externalId)) continue;
      changes.push({ action: 'remove', kind: 'group', key: group.displayName, targetId: group.id, before: { displayName: group.displayName, externalId: group.externalId }, after: null, reason: 'no longer assigned in the IdP' });
    }
    return changes;
  }

  private member(
    entry: SnapshotMember,
    byExternalId: ReadonlyMap<string, Member>,
    byUserName: ReadonlyMap<string, Member>,
    groupsOf: ReadonlyMap<string, ReadonlySet<string>>,
  ): Change[] {
    const { workspace, binding } = this.options;
    if (this.seen.has(entry.externalId)) {
      return [skip(entry.userName, entry.externalId, `the IdP listed externalId ${entry.externalId} twice in one read; only the first is used`)];
    }
    this.seen.add(entry.externalId);
    let current = byExternalId.get(entry.externalId) ?? null;
    let reason: string | undefined;
    const sameName = byUserName.get(lower(entry.userName));
    if (current && sameName && sameName.id !== current.id) {
      return [skip(entry.userName, current.id, `userName "${entry.userName}" is already used by another member (externalId ${sameName.externalId ?? 'none'}); rename one of them in the IdP`)];
    }
    if (!current && sameName) {
      if (!workspace.policy.adoptByUserName) {
        return [skip(entry.userName, sameName.id, `a member with userName "${sameName.userName}" exists but is not linked to this IdP user (externalId ${sameName.externalId ?? 'none'}); set adoptByUserName on the workspace to adopt existing members`)];
      }
      if (sameName.externalId !== null) {
        return [skip(entry.userName, sameName.id, `cannot adopt "${sameName.userName}": it is already linked to externalId ${sameName.externalId}, and the IdP user is ${entry.externalId}; two candidates, so nothing is guessed`)];
      }
      current = sameName;
      reason = `adopted by userName: externalId set to ${entry.externalId}`;
    }

    // Push and pull of one IdP converge on one row: a member it pushed (no binding manages it yet) is linked to this
    // binding, so its pull deprovisions it later. Another binding's member is that binding's; owners are the CLI's.
    const foreign = current !== null && current.managedBy !== null && current.managedBy !== binding ? current.managedBy : null;
    const linking = current !== null && current.managedBy === null && !current.owner;

    const claimant = this.plannedUserNames.get(lower(entry.userName));
    if (claimant !== undefined && claimant !== entry.externalId) {
      return [skip(entry.userName, current?.id ?? entry.externalId, `userName "${entry.userName}" belongs to two IdP users (${claimant} and ${entry.externalId}); only the first gets it: make userNames unique in the IdP`)];
    }
    this.plannedUserNames.set(lower(entry.userName), entry.externalId);
    const desired = desiredMemberFields(workspace, entry, current);
    let change: Change;
    // Object.assign into the fresh object either helper returns: a spread of both made one more 44-field copy
    // per IdP user.
    if (current) {
      change = memberChange(workspace, current, Object.assign(memberFieldsOf(current), desired));
      change.version = current.version;
    } else {
      change = memberChange(workspace, null, Object.assign(emptyMemberFields(entry.userName), desired));
      change.targetId = this.options.newId();
    }
    if (foreign !== null) {
      // Nothing to change leaves no row, as for any member that already matches.
      if (change.action === 'skip') return [];
      return [skip(entry.userName, current!.id, `member "${current!.userName}" is managed by connector ${foreign}, so connector ${binding} leaves it as it is: assign the IdP user through one binding only`)];
    }
    if (linking && change.action !== 'remove') {
      if (change.action === 'skip') {
        change.action = 'update';
        change.before = {};
        change.after = {};
      }
      change.before!.managedBy = null;
      change.after!.managedBy = binding;
      reason ??= `linked to connector ${binding} (was written by ${current!.lastSource})`;
    }
    if (reason) change.reason = reason;
    if (change.action !== 'skip') change.managedBy = binding;

    const refused = this.police(change, current);
    const changes: Change[] = [];
    if (refused) changes.push(refused);
    else if (change.action !== 'skip') {
      if (change.action === 'deactivate' || change.action === 'remove') this.deletions++;
      changes.push(change);
    }
    // A refused create leaves no member to put in groups; a removed member leaves its groups with it.
    if ((refused && !current) || change.action === 'remove') return changes;
    const memberId = current?.id ?? change.targetId;
    changes.push(...this.memberships(entry, memberId, groupsOf.get(memberId) ?? new Set()));
    return changes;
  }

  /** The policy verdict as plan data: a refused change stays in the plan as a skip that says why. */
  private police(change: Change, current: Member | null): Change | null {
    if (change.action === 'skip') return null;
    const { workspace } = this.options;
    if (change.owner && change.action !== 'create') {
      return { ...change, action: 'skip', reason: ownerRefusal(workspace, change).detail };
    }
    const facts = { seatsInUse: this.seats, current: new Map(current ? [[current.id, memberFieldsOf(current)]] : []) };
    const { verdicts, seatsInUse } = evaluatePolicyCarrying(workspace, [change], facts);
    const verdict = verdicts[0];
    if (verdict) return { ...change, action: 'skip', reason: `refused by the workspace policy: ${verdict.detail}` };
    this.seats = seatsInUse;
    return null;
  }

  private deprovision(current: Member, why: string): Change | null {
    const { workspace } = this.options;
    let change: Change;
    if (workspace.policy.deprovision === 'remove') change = memberRemoval(current, why);
    else {
      if (!current.active) return null;
      change = { action: 'deactivate', kind: 'member', key: current.userName, targetId: current.id, before: { active: true }, after: { active: false }, reason: why, ...(current.owner ? { owner: true } : {}) };
    }
    change.version = current.version;
    if (current.owner) return { ...change, action: 'skip', reason: `${why}, but ${ownerRefusal(workspace, change).detail}` };
    this.deletions++;
    const facts = { seatsInUse: this.seats, current: new Map([[current.id, memberFieldsOf(current)]]) };
    this.seats = evaluatePolicyCarrying(workspace, [change], facts).seatsInUse;
    return change;
  }

  /** The member's groups as the IdP grants them, against its current binding-managed groups. */
  private memberships(entry: SnapshotMember, memberId: string, currentGroups: ReadonlySet<string>): Change[] {
    const { workspace } = this.options;
    const changes: Change[] = [];
    const desired = new Set<string>();
    for (const grant of entry.grants) {
      if (grant.via !== 'group' || !grant.groupId) continue;
      const group = this.groupFor(grant.groupId, grant.groupName ?? grant.groupId, changes);
      if (group.blocked) {
        changes.push(skip(`${group.displayName} ← ${entry.userName}`, `${group.id}/${memberId}`, group.blocked, 'membership'));
        continue;
      }
      desired.add(group.id);
    }
    const projectRole = workspace.policy.groups.mode === 'projects' ? workspace.policy.groups.projectRole : null;
    for (const groupId of desired) {
      if (currentGroups.has(groupId)) continue;
      const name = this.plannedGroups.get(groupId)?.displayName ?? groupId;
      changes.push({ action: 'create', kind: 'membership', key: `${name} ← ${entry.userName}`, targetId: `${groupId}/${memberId}`, before: null, after: { groupId, memberId, projectRole } });
    }
    for (const groupId of currentGroups) {
      if (desired.has(groupId) || this.groupsById.get(groupId)?.managedBy !== this.options.binding) continue;
      const name = this.plannedGroups.get(groupId)?.displayName ?? this.options.groups.find((g) => g.id === groupId)?.displayName ?? groupId;
      changes.push({ action: 'remove', kind: 'membership', key: `${name} ← ${entry.userName}`, targetId: `${groupId}/${memberId}`, before: { groupId, memberId }, after: null, reason: 'the IdP no longer grants access through this group' });
    }
    return changes;
  }

  /** The store group for an IdP group, planning its creation or rename the first time the plan meets it. */
  private groupFor(externalId: string, displayName: string, changes: Change[]): GroupPlan {
    const known = this.plannedByExternalId.get(externalId);
    if (known) return known;
    this.seenGroups.add(externalId);
    const { workspace, binding } = this.options;
    const appName = `${workspace.policy.groups.displayNamePrefix}${displayName}`;
    const existing = this.groupsByExternalId.get(externalId);
    const clash = this.groupsByName.get(lower(displayName));
    let plan: GroupPlan;
    if (existing) {
      plan = { id: existing.id, displayName, blocked: null };
      if (existing.displayName !== displayName) {
        if (clash && clash.id !== existing.id) {
          changes.push(skip(existing.displayName, existing.id, `cannot rename group "${existing.displayName}" to "${displayName}": another group has that name`, 'group'));
          plan.displayName = existing.displayName;
        } else {
          changes.push({ action: 'update', kind: 'group', key: existing.displayName, targetId: existing.id, before: { displayName: existing.displayName, appName: existing.appName }, after: { displayName, appName }, managedBy: binding });
        }
      }
    } else if (clash && clash.externalId === null && clash.managedBy === null) {
      // A pushed group with no externalId (Okta never sends one) is the IdP's group of that name: use it as is.
      plan = { id: clash.id, displayName: clash.displayName, blocked: null };
    } else if (clash) {
      plan = { id: clash.id, displayName, blocked: `group "${clash.displayName}" already exists and is not linked to IdP group ${externalId}; rename one of them` };
      changes.push(skip(displayName, clash.id, plan.blocked!, 'group'));
    } else {
      plan = { id: this.options.newId(), displayName, blocked: null };
      changes.push({ action: 'create', kind: 'group', key: displayName, targetId: plan.id, before: null, after: { displayName, externalId, appName }, managedBy: binding });
    }
    this.plannedByExternalId.set(externalId, plan);
    this.plannedGroups.set(plan.id, plan);
    return plan;
  }
}

function skip(key: string, targetId: string, reason: string, kind: Change['kind'] = 'member'): Change {
  return { action: 'skip', kind, key, targetId, before: null, after: null, reason };
}
