import { randomBytes, randomUUID } from 'node:crypto';
import { SeqList } from './seq-list.js';

/**
 * The fake tenant's in-memory directory: users, groups, one application's service principal with its app roles
 * and `appRoleAssignedTo`, and a change log that `/users/delta` replays. Tests change it between connector cycles.
 */
export const DEFAULT_ACCESS_ROLE_ID = '00000000-0000-0000-0000-000000000000';

export type ExtensionAttributes = Record<`extensionAttribute${number}`, string | null>;

export interface GraphUser {
  id: string;
  userPrincipalName: string;
  mail: string | null;
  givenName: string | null;
  surname: string | null;
  displayName: string | null;
  accountEnabled: boolean;
  preferredLanguage: string | null;
  department: string | null;
  jobTitle: string | null;
  employeeId: string | null;
  businessPhones: string[];
  mobilePhone: string | null;
  officeLocation: string | null;
  onPremisesExtensionAttributes: ExtensionAttributes;
}

/** Every user property the fake knows; `$select` of anything else is a 400, as on Graph. */
export const USER_PROPERTIES: readonly (keyof GraphUser)[] = [
  'id', 'userPrincipalName', 'mail', 'givenName', 'surname', 'displayName', 'accountEnabled', 'preferredLanguage', 'department',
  'jobTitle', 'employeeId', 'businessPhones', 'mobilePhone', 'officeLocation', 'onPremisesExtensionAttributes',
];

/** What `GET /users` returns without `$select`: no accountEnabled, no extension attributes. */
export const DEFAULT_USER_SELECT: readonly (keyof GraphUser)[] = [
  'businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName',
];

export type GraphUserInput = Partial<Omit<GraphUser, 'onPremisesExtensionAttributes'>> & {
  userPrincipalName: string;
  onPremisesExtensionAttributes?: Partial<ExtensionAttributes>;
};

export interface AppRole {
  id: string;
  value: string | null;
  displayName: string;
  description: string;
  isEnabled: boolean;
  allowedMemberTypes: string[];
  origin: 'Application';
}

export type PrincipalType = 'User' | 'Group' | 'ServicePrincipal';

export interface AppRoleAssignment {
  id: string;
  deletedDateTime: null;
  appRoleId: string;
  createdDateTime: string;
  principalDisplayName: string | null;
  principalId: string;
  principalType: PrincipalType;
  resourceDisplayName: string;
  resourceId: string;
}

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  appRoleAssignmentRequired: boolean;
  appRoles: AppRole[];
}

export type MemberType = 'user' | 'group' | 'servicePrincipal' | 'device';
export interface GroupMember {
  id: string;
  type: MemberType;
}

export interface GraphGroup {
  id: string;
  displayName: string;
  members: SeqList<GroupMember>;
}

export interface UserRecord {
  user: GraphUser;
  /** Soft-deleted: in deletedItems, restorable; invisible to /users and to membership lists. */
  deleted: boolean;
}

/** One entry of the change log `/users/delta` reads; `props` are the properties that changed. */
export interface UserChange {
  seq: number;
  userId: string;
  kind: 'upsert' | 'softDeleted' | 'hardDeleted';
  props: readonly string[];
}

export function emptyExtensionAttributes(): ExtensionAttributes {
  const out: Record<string, null> = {};
  for (let i = 1; i <= 15; i++) out[`extensionAttribute${i}`] = null;
  return out as ExtensionAttributes;
}

export class GraphDirectory {
  readonly servicePrincipal: ServicePrincipal = {
    id: randomUUID(),
    appId: randomUUID(),
    displayName: 'rosterd test app',
    appRoleAssignmentRequired: true,
    appRoles: [],
  };
  readonly users = new SeqList<UserRecord>((r) => r.user.id);
  readonly groups = new Map<string, GraphGroup>();
  readonly assignments = new SeqList<AppRoleAssignment>((a) => a.id);
  /** Non-user, non-group directory objects (service principals, devices) that can be members or principals. */
  readonly otherObjects = new Map<string, { id: string; displayName: string; type: 'servicePrincipal' | 'device' }>();
  /** memberId → ids of the groups it is a direct member of (for memberOf, and to drop deleted users fast). */
  private readonly parents = new Map<string, Set<string>>();
  /** principalId → its assignment ids, so unassigning or deleting one principal is not a scan of 100,000 rows. */
  private readonly byPrincipal = new Map<string, Set<string>>();
  private log: UserChange[] = [];
  private seq = 0;
  /** Bumped by expireDeltaTokens(): older delta and skip tokens then answer 410 syncStateNotFound. */
  epoch = 0;
  /** Bumped on every change; caches (transitive member lists) key on it. */
  version = 0;

  get changeSeq(): number {
    return this.seq;
  }

  reset(): void {
    this.users.clear();
    this.groups.clear();
    this.assignments.clear();
    this.otherObjects.clear();
    this.parents.clear();
    this.byPrincipal.clear();
    this.servicePrincipal.appRoles = [];
    this.log = [];
    this.epoch++;
    this.version++;
  }

  addUser(input: GraphUserInput): GraphUser {
    const user: GraphUser = {
      id: input.id ?? randomUUID(),
      userPrincipalName: input.userPrincipalName,
      mail: input.mail ?? null,
      givenName: input.givenName ?? null,
      surname: input.surname ?? null,
      displayName: input.displayName ?? null,
      accountEnabled: input.accountEnabled ?? true,
      preferredLanguage: input.preferredLanguage ?? null,
      department: input.department ?? null,
      jobTitle: input.jobTitle ?? null,
      employeeId: input.employeeId ?? null,
      businessPhones: input.businessPhones ?? [],
      mobilePhone: input.mobilePhone ?? null,
      officeLocation: input.officeLocation ?? null,
      onPremisesExtensionAttributes: { ...emptyExtensionAttributes(), ...input.onPremisesExtensionAttributes } as ExtensionAttributes,
    };
    if (this.users.has(user.id)) throw new Error(`fake graph: user ${user.id} exists`);
    this.users.put({ user, deleted: false });
    this.record(user.id, 'upsert', USER_PROPERTIES);
    return user;
  }

  user(id: string): GraphUser | undefined {
    const record = this.users.get(id);
    return record && !record.deleted ? record.user : undefined;
  }

  /** Patch a live user; only properties whose value changes are logged, so `$select`-scoped delta sees only those. */
  updateUser(id: string, patch: Partial<GraphUserInput>): GraphUser {
    const user = this.requireUser(id);
    const changed: string[] = [];
    for (const [key, value] of Object.entries(patch) as [keyof GraphUser, unknown][]) {
      if (key === 'id') continue;
      const next = key === 'onPremisesExtensionAttributes' ? { ...user.onPremisesExtensionAttributes, ...(value as object) } : value;
      if (JSON.stringify(user[key]) !== JSON.stringify(next)) {
        (user as unknown as Record<string, unknown>)[key] = next;
        changed.push(key);
      }
    }
    if (changed.length > 0) this.record(id, 'upsert', changed);
    return user;
  }

  /** Delete to deletedItems (restorable): delta says `@removed: { reason: "changed" }`. */
  softDeleteUser(id: string): void {
    this.requireUser(id);
    this.users.get(id)!.deleted = true;
    this.record(id, 'softDeleted', []);
  }

  restoreUser(id: string): void {
    const record = this.users.get(id);
    if (!record?.deleted) throw new Error(`fake graph: user ${id} is not in deletedItems`);
    record.deleted = false;
    this.record(id, 'upsert', USER_PROPERTIES);
  }

  /** Permanent deletion: delta says `@removed: { reason: "deleted" }`; memberships and assignments go too. */
  hardDeleteUser(id: string): void {
    if (!this.users.has(id)) throw new Error(`fake graph: no user ${id}`);
    this.users.delete(id);
    for (const groupId of this.parents.get(id) ?? []) this.groups.get(groupId)?.members.delete(id);
    this.parents.delete(id);
    this.unassign(id);
    this.record(id, 'hardDeleted', []);
  }

  /** The app role with this value, created on first use (the admin defines roles in the app manifest). */
  appRole(value: string, displayName = value): AppRole {
    const existing = this.servicePrincipal.appRoles.find((r) => r.value === value);
    if (existing) return existing;
    const role: AppRole = {
      id: randomUUID(),
      value,
      displayName,
      description: `${displayName} role`,
      isEnabled: true,
      allowedMemberTypes: ['User'],
      origin: 'Application',
    };
    this.servicePrincipal.appRoles.push(role);
    this.version++;
    return role;
  }

  /** Assign a principal; `appRoleId` may be the default-access id, which never appears in appRoles (G8). */
  assign(principalId: string, principalType: PrincipalType, appRoleId: string): AppRoleAssignment {
    const assignment: AppRoleAssignment = {
      id: randomBytes(32).toString('base64url').slice(0, 43),
      deletedDateTime: null,
      appRoleId,
      createdDateTime: new Date().toISOString().replace(/\.\d{3}Z$/, '.0000000Z'),
      principalDisplayName: this.displayNameOf(principalId, principalType),
      principalId,
      principalType,
      resourceDisplayName: this.servicePrincipal.displayName,
      resourceId: this.servicePrincipal.id,
    };
    this.assignments.put(assignment);
    let ids = this.byPrincipal.get(principalId);
    if (!ids) this.byPrincipal.set(principalId, (ids = new Set()));
    ids.add(assignment.id);
    this.version++;
    return assignment;
  }

  /** Remove a principal's assignments (all of them, or the one with `appRoleId`); returns how many went. */
  unassign(principalId: string, appRoleId?: string): number {
    let removed = 0;
    const ids = this.byPrincipal.get(principalId) ?? new Set<string>();
    for (const id of [...ids]) {
      if (appRoleId === undefined || this.assignments.get(id)?.appRoleId === appRoleId) {
        this.assignments.delete(id);
        ids.delete(id);
        removed++;
      }
    }
    this.version++;
    return removed;
  }

  addGroup(id: string, displayName: string, members: readonly (string | GroupMember)[] = []): GraphGroup {
    const group: GraphGroup = { id, displayName, members: new SeqList<GroupMember>((m) => m.id) };
    this.groups.set(id, group);
    for (const m of members) this.addGroupMember(id, typeof m === 'string' ? { id: m, type: this.typeOf(m) } : m);
    this.version++;
    return group;
  }

  addGroupMember(groupId: string, member: GroupMember): void {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`fake graph: no group ${groupId}`);
    group.members.put(member);
    let set = this.parents.get(member.id);
    if (!set) this.parents.set(member.id, (set = new Set()));
    set.add(groupId);
    this.version++;
  }

  removeGroupMember(groupId: string, memberId: string): void {
    this.groups.get(groupId)?.members.delete(memberId);
    this.parents.get(memberId)?.delete(groupId);
    this.version++;
  }

  /** A service principal or device that can be assigned or be a group member (the connector must ignore it). */
  addOtherObject(id: string, displayName: string, type: 'servicePrincipal' | 'device'): void {
    this.otherObjects.set(id, { id, displayName, type });
  }

  /** Direct parent groups of a user or group. */
  parentGroups(memberId: string): readonly string[] {
    return [...(this.parents.get(memberId) ?? [])];
  }

  /** Log entries with seq in (from, to], oldest first. The log is append-only, so this is a binary search and a slice. */
  changesBetween(from: number, to: number): readonly UserChange[] {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid]!.seq <= from) lo = mid + 1;
      else hi = mid;
    }
    const out: UserChange[] = [];
    for (let i = lo; i < this.log.length && this.log[i]!.seq <= to; i++) out.push(this.log[i]!);
    return out;
  }

  typeOf(id: string): MemberType {
    if (this.users.has(id)) return 'user';
    if (this.groups.has(id)) return 'group';
    return this.otherObjects.get(id)?.type ?? 'user';
  }

  private displayNameOf(id: string, type: PrincipalType): string | null {
    if (type === 'User') return this.users.get(id)?.user.displayName ?? null;
    if (type === 'Group') return this.groups.get(id)?.displayName ?? null;
    return this.otherObjects.get(id)?.displayName ?? null;
  }

  private requireUser(id: string): GraphUser {
    const user = this.user(id);
    if (!user) throw new Error(`fake graph: no live user ${id}`);
    return user;
  }

  private record(userId: string, kind: UserChange['kind'], props: readonly string[]): void {
    this.log.push({ seq: ++this.seq, userId, kind, props });
    this.version++;
  }
}
