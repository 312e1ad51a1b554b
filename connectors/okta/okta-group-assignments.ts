import type { ApplicationGroupAssignment } from '@okta/okta-sdk-nodejs';
import type { OktaReader } from './okta-client.js';
import type { GroupAssignmentRef } from './okta-mapper.js';

/** Null for an assignment without a group id. */
export function groupRef(ga: ApplicationGroupAssignment): GroupAssignmentRef | null {
  if (!ga.id) return null;
  const name = (ga._embedded?.group as { profile?: { name?: unknown } } | undefined)?.profile?.name;
  return { groupId: ga.id, groupName: typeof name === 'string' ? name : null, priority: ga.priority ?? 0, profile: { ...(ga.profile as Record<string, unknown> | undefined) } };
}

export async function assignedGroups(okta: OktaReader): Promise<Map<string, GroupAssignmentRef>> {
  const refs = new Map<string, GroupAssignmentRef>();
  for await (const page of okta.groupAssignments()) for (const ga of page.items) {
    const ref = groupRef(ga);
    if (ref) refs.set(ref.groupId, ref);
  }
  return refs;
}

/** A failure leaves in `byUser` what was read. */
export async function readGroupGrants(okta: OktaReader, byUser: Map<string, GroupAssignmentRef[]>): Promise<void> {
  for await (const page of okta.groupAssignments()) {
    for (const ga of page.items) {
      const ref = groupRef(ga);
      if (!ref) continue;
      for await (const members of okta.groupMembers(ref.groupId)) {
        for (const user of members.items) {
          // Okta gives deprovisioned users no app access, even in an assigned group.
          if (!user.id || user.status === 'DEPROVISIONED') continue;
          const refs = byUser.get(user.id);
          if (refs) refs.push(ref);
          else byUser.set(user.id, [ref]);
        }
      }
    }
  }
}
