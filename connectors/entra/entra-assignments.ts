import { GraphFailure, type GraphReader } from './entra-client.js';
import type { EntraGrant } from './entra-mapper.js';

/**
 * Who is assigned to the application, and through what: `appRoleAssignedTo` (reference §A1), with group
 * assignments expanded to their members (§A3). Only ids and role ids are kept, never profiles, so a
 * 100,000-user application costs a map of strings. A user can be listed several times (directly and through
 * several groups); the grants merge under one key.
 */
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
  /** userId → every assignment that grants the user access. */
  readonly grants = new Map<string, EntraGrant[]>();
  /** Assigned groups: id → name and the app role ids assigned to it. */
  readonly groups = new Map<string, { name: string | null; appRoleIds: Set<string> }>();
  readonly counts: AssignmentCounts = { assignments: 0, users: 0, groups: 0, servicePrincipals: 0 };
  /**
   * One frozen grant object per distinct (via, group, app role), shared by every user it applies to: a
   * 1,000,000-user directory holds a handful of grants, not a million copies of the same role id.
   */
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
      // App-only permission grants to other applications: not people, never members (reference §A1.2).
      this.counts.servicePrincipals++;
    }
  }

  /** Grant every app role of an assigned group to one of its (user) members. */
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
  /** `servicePrincipals/{id}` or `servicePrincipals(appId='…')`. */
  servicePrincipalPath: string;
  pageSize: number;
  transitiveGroups: boolean;
  /** Assigned groups whose member lists are read at once (the binding's maxConcurrency); default 1. */
  concurrency?: number;
}

/** The first request of the assignment list (also what testConnection reads). */
export function assignmentsUrl(options: AssignmentReadOptions): string {
  return `/${options.servicePrincipalPath}/appRoleAssignedTo?$top=${options.pageSize}&$select=id,appRoleId,principalId,principalType,principalDisplayName`;
}

/**
 * The direct (or, with transitiveGroups, nested) members of a group. Entra grants an app role to direct
 * members only (gotcha 3), so `members` is the default; `@odata.type` tells users from nested groups,
 * devices and service principals.
 */
export function groupMembersUrl(groupId: string, options: AssignmentReadOptions): string {
  const relation = options.transitiveGroups ? 'transitiveMembers' : 'members';
  return `/groups/${encodeURIComponent(groupId)}/${relation}?$top=${options.pageSize}&$select=id`;
}

export function isUserObject(o: DirectoryObject): boolean {
  return o['@odata.type'] === '#microsoft.graph.user';
}

/**
 * Reads the whole assignment list and expands the assigned groups. A failure (a GraphFailure) propagates to
 * the caller with what was read so far in `index` (no group's members unless all were read), so the caller can
 * mark its result incomplete.
 */
export async function readAssignments(reader: GraphReader, options: AssignmentReadOptions, index: AssignmentIndex): Promise<void> {
  try {
    for await (const page of reader.pages<GraphAssignment>(assignmentsUrl(options))) for (const a of page) index.add(a);
  } catch (err) {
    throw tagged(err, 'assignments');
  }
  try {
    // Several groups' member lists are read at once, and applied to the index in the groups' order, so a
    // user's grants come out the same whichever list arrives first.
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

/** `read` for every item, at most `limit` at a time; results in the items' order. The first failure is thrown. */
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
