import type { Kysely } from 'kysely';
import type { MemberRef } from '../events/app-resources.js';
import type { EventStates } from '../events/events-of-changes.js';
import type { Group } from '../model/group.js';
import type { Member } from '../model/member.js';
import type { Change } from '../model/plan.js';
import { membershipStateOf } from '../store/change-writer.js';
import type { Database } from '../store/database.js';
import { groupsByIds, memberRefsByIds, membersByIds } from '../store/event-repository.js';

/** What the writes take away but their events must still show. */
export interface StatesBefore {
  members: ReadonlyMap<string, Member>;
  groups: ReadonlyMap<string, Group>;
}

/** Read before the writes; members the caller already read are reused. */
export async function statesBefore(trx: Kysely<Database>, workspaceId: string, changes: readonly Change[], current: ReadonlyMap<string, Member>): Promise<StatesBefore> {
  const members = new Map<string, Member>();
  const unread: string[] = [];
  const deletedGroups: string[] = [];
  for (const change of changes) {
    if (change.action !== 'remove') continue;
    if (change.kind === 'member') {
      const member = current.get(change.targetId);
      if (member) members.set(member.id, member);
      else unread.push(change.targetId);
    } else if (change.kind === 'group') deletedGroups.push(change.targetId);
  }
  if (unread.length) for (const [id, member] of await membersByIds(trx, workspaceId, unread)) members.set(id, member);
  const groups = deletedGroups.length ? await groupsByIds(trx, workspaceId, deletedGroups) : new Map<string, Group>();
  return { members, groups };
}

/** Read after the writes. */
export async function statesAfter(trx: Kysely<Database>, workspaceId: string, changes: readonly Change[], before: StatesBefore): Promise<EventStates> {
  const groupIds = new Set<string>();
  const memberIds = new Set<string>();
  for (const change of changes) {
    if (change.kind === 'group' && change.action !== 'remove') groupIds.add(change.targetId);
    if (change.kind === 'group_member') {
      const { groupId, memberId } = membershipStateOf(change);
      if (!before.groups.has(groupId)) groupIds.add(groupId);
      memberIds.add(memberId);
    }
  }
  const groups = new Map(before.groups);
  if (groupIds.size) for (const [id, group] of await groupsByIds(trx, workspaceId, [...groupIds])) groups.set(id, group);
  const memberRefs = new Map<string, MemberRef>();
  if (memberIds.size) {
    const found = await memberRefsByIds(trx, workspaceId, [...memberIds]);
    for (const id of memberIds) {
      const gone = before.members.get(id);
      const ref = found.get(id) ?? (gone ? { id, userName: gone.userName, externalId: gone.externalId } : undefined);
      if (ref) memberRefs.set(id, ref);
    }
  }
  return { membersBefore: before.members, groups, memberRefs };
}
