import type { Group } from '../model/group.js';
import type { Member } from '../model/member.js';
import type { Change } from '../model/plan.js';
import { appGroupOf, appMemberOf, type MemberRef } from './app-resources.js';
import type { EventDraft, EventType, FieldChange } from './event.js';

/** With the stored member, for member creates and updates. */
export interface AppliedChange {
  change: Change;
  member?: Member;
}

/** Read inside the transaction to render its events. */
export interface EventStates {
  /** As before the transaction, so a removal's event carries the last state. */
  membersBefore: ReadonlyMap<string, Member>;
  /** After the writes; deleted groups as they were. */
  groups: ReadonlyMap<string, Group>;
  memberRefs: ReadonlyMap<string, MemberRef>;
}

/** One event per change, plus member.owner_changed/suspended/reactivated when an update moves `owner` or `active`. Pure. */
export function eventsOfChanges(applied: readonly AppliedChange[], states: EventStates): EventDraft[] {
  const events: EventDraft[] = [];
  for (const { change, member } of applied) {
    if (change.action === 'skip') continue;
    if (change.kind === 'member') memberEvents(change, member, states, events);
    else if (change.kind === 'group') groupEvent(change, states, events);
    else membershipEvent(change, states, events);
  }
  return events;
}

function memberEvents(change: Change, member: Member | undefined, states: EventStates, out: EventDraft[]): void {
  if (change.action === 'remove') {
    const before = states.membersBefore.get(change.targetId);
    if (!before) throw new Error(`the removed member "${change.key}" was not read before its removal`);
    out.push({ type: 'member.removed', data: { member: appMemberOf(before) } });
    return;
  }
  if (!member) throw new Error(`member "${change.key}" was written without its stored state`);
  const state = appMemberOf(member);
  if (change.action === 'create') {
    out.push({ type: 'member.created', data: { member: state } });
    return;
  }
  const changes = fieldChanges(change);
  const { owner, active, ...rest } = changes;
  if (owner) out.push({ type: 'member.owner_changed', data: { member: state, changes: { owner } } });
  const activeType: EventType | null = change.action === 'deactivate' || (active && active.after === false) ? 'member.suspended' : change.action === 'reactivate' || (active && active.after === true) ? 'member.reactivated' : null;
  if (activeType) out.push({ type: activeType, data: { member: state, changes: active ? { active, ...rest } : rest } });
  else if (Object.keys(rest).length > 0 || !owner) out.push({ type: 'member.updated', data: { member: state, changes: rest } });
}

function groupEvent(change: Change, states: EventStates, out: EventDraft[]): void {
  const group = states.groups.get(change.targetId);
  if (!group) throw new Error(`group "${change.key}" was written but not read back`);
  const type: EventType = change.action === 'create' ? 'group.created' : change.action === 'remove' ? 'group.deleted' : 'group.updated';
  out.push(type === 'group.updated' ? { type, data: { group: appGroupOf(group), changes: fieldChanges(change) } } : { type, data: { group: appGroupOf(group) } });
}

function membershipEvent(change: Change, states: EventStates, out: EventDraft[]): void {
  const { groupId, memberId, projectRole } = (change.after ?? change.before) as { groupId: string; memberId: string; projectRole?: string | null };
  const group = states.groups.get(groupId);
  if (!group) throw new Error(`group ${groupId} of a membership change was not read back`);
  const member = states.memberRefs.get(memberId) ?? { id: memberId, userName: null, externalId: null };
  const type: EventType = change.action === 'create' ? 'group.member_added' : change.action === 'remove' ? 'group.member_removed' : 'group.member_updated';
  out.push({ type, data: { group: appGroupOf(group), member, projectRole: projectRole ?? null } });
}

function fieldChanges(change: Change): Record<string, FieldChange> {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const changes: Record<string, FieldChange> = {};
  for (const field of Object.keys(after)) changes[field] = { before: before[field] ?? null, after: after[field] ?? null };
  return changes;
}
