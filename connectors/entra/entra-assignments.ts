import { GraphFailure, type GraphReader } from './entra-client.js';
import type { EntraGrant } from './entra-mapper.js';

// Who is assigned to the application and through what, groups expanded. Only ids are kept, never profiles.
export interface GraphAssignment {
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal' | string;
  principalDisplayName?: string | null;
  appRoleId: string;
}

interface DirectoryObject {
  '@odata.type'?: string;
  id: string;
}

export interface AssignmentCounts {
  assignments: number;
  users: number;
  groups: number;
  servicePrincipals: number;
}

export class AssignmentIndex {
  readonly grants = new Map<string, EntraGrant[]>();
  readonly groups = new Map<string, { name: string | null; appRoleIds: Set<string> }>();
  readonly counts: AssignmentCounts = { assignments: 0, users: 0, groups: 0, servicePrincipals: 0 };
  /** One frozen grant per distinct (via, group, app role), shared to save memory. */
  private readonly shared = new Map<string, EntraGrant>();

  add(assignment: GraphAssignment): void {
    this.counts.assignments++;
    if (assignment.principalType === 'User') {
      this.counts.users++;
      this.grant(assignment.principalId, this.intern({ via: 'direct', appRoleId: assignment.appRoleId }));
    } else if (assignment.principalType === 'Group') {
      this.counts.groups++;
      const group = this.groups.get(assignment.principalId) ?? { name: assignment.principalDisplayName ?? null, appRoleIds: new Set<string>() };
      group.appRoleIds.add(assignment.appRoleId);
      this.groups.set(assignment.principalId, group);
    } else {
      // App-only grants to other applications are not people.
      this.counts.servicePrincipals++;
    }
  }

  addGroupMember(groupId: string, userId: string): void {
    const group = this.groups.get(groupId);
    if (!group) return;
    for (const appRoleId of group.appRoleIds) {
      const grant: EntraGrant = { via: 'group', groupId, appRoleId };
      if (group.name !== null) grant.groupName = group.name;
      this.grant(userId, this.intern(grant));
    }
  }

  private intern(grant: EntraGrant): EntraGrant {
    const key = `${grant.via}|${grant.groupId ?? ''}|${grant.appRoleId}`;
    const known = this.shared.get(key);
    if (known) return known;
    const frozen = Object.freeze(grant);
    this.shared.set(key, frozen);
    return frozen;
  }

  private grant(userId: string, grant: EntraGrant): void {
    const list = this.grants.get(userId);
    if (list) list.push(grant);
    else this.grants.set(userId, [grant]);
  }
}

export interface AssignmentReadOptions {
  servicePrincipalPath: string;
  pageSize: number;
  transitiveGroups: boolean;
  /** Group member lists read at once. */
  concurrency?: number;
}

/** Also what testConnection reads. */
export function assignmentsUrl(options: AssignmentReadOptions): string {
  return `/${options.servicePrincipalPath}/appRoleAssignedTo?$top=${options.pageSize}&$select=id,appRoleId,principalId,principalType,principalDisplayName`;
}

/** Direct members by default: Entra grants app roles to direct members only. */
export function groupMembersUrl(groupId: string, options: AssignmentReadOptions): string {
  const relation = options.transitiveGroups ? 'transitiveMembers' : 'members';
  return `/groups/${encodeURIComponent(groupId)}/${relation}?$top=${options.pageSize}&$select=id`;
}

export function isUserObject(o: DirectoryObject): boolean {
  return o['@odata.type'] === '#microsoft.graph.user';
}

/** On a GraphFailure `index` keeps what was read (no group members unless all were), so the caller can mark it incomplete. */
export async function readAssignments(reader: GraphReader, options: AssignmentReadOptions, index: AssignmentIndex): Promise<void> {
  try {
    for await (const page of reader.pages<GraphAssignment>(assignmentsUrl(options))) for (const a of page) index.add(a);
  } catch (err) {
    throw tagged(err, 'assignments');
  }
  try {
    // Applied in group order, so grants don't depend on arrival order.
    const groupIds = [...index.groups.keys()];
    const members = await mapInOrder(groupIds, options.concurrency ?? 1, async (groupId) => {
      const ids: string[] = [];
      for await (const page of reader.pages<DirectoryObject>(groupMembersUrl(groupId, options))) {
        for (const member of page) if (isUserObject(member)) ids.push(member.id);
      }
      return ids;
    });
    groupIds.forEach((groupId, i) => {
      for (const userId of members[i]!) index.addGroupMember(groupId, userId);
    });
  } catch (err) {
    throw tagged(err, 'groupMembers');
  }
}

/** Results in the items' order. */
async function mapInOrder<T, R>(items: readonly T[], limit: number, read: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await read(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function tagged(err: unknown, operation: string): unknown {
  if (err instanceof GraphFailure) err.operation ??= operation;
  return err;
}
