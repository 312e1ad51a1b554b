import { randomBytes } from 'node:crypto';
import { SystemLog, type LogTarget } from './system-log.js';

/**
 * The fake org's in-memory directory: users, one app with individual and group assignments, groups, and the
 * System Log events every change produces. Tests change it between connector cycles. App users are derived the
 * way Okta derives them: an individual assignment gives scope USER with its own profile; otherwise membership of
 * an assigned group gives scope GROUP with the profile of the highest-priority group (lowest `priority`).
 */
export type OktaUserStatus = 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'PASSWORD_EXPIRED' | 'LOCKED_OUT' | 'SUSPENDED' | 'DEPROVISIONED';
type Profile = Record<string, unknown>;

export interface FakeUser {
  id: string;
  status: OktaUserStatus;
  created: number;
  activated: number | null;
  statusChanged: number;
  lastUpdated: number;
  /** The Okta user profile: login, email, firstName, lastName, department, preferredLanguage, custom keys… */
  profile: Profile;
  /** App-user attributes that the app's profile mappings fill for this user (role, creditLimit, seatType…). */
  appProfile: Profile;
}

export interface FakeGroup {
  id: string;
  name: string;
  created: number;
  lastUpdated: number;
  members: Set<string>;
}

export interface FakeAssignment {
  created: number;
  lastUpdated: number;
  profile: Profile;
}

export interface FakeGroupAssignment extends FakeAssignment {
  groupId: string;
  priority: number;
}

export interface FakeApp {
  id: string;
  name: string;
  label: string;
  created: number;
}

export interface EffectiveAppUser {
  user: FakeUser;
  scope: 'USER' | 'GROUP';
  userName: string;
  profile: Profile;
  created: number;
  lastUpdated: number;
}

export interface NewUser {
  id?: string;
  login: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  status?: OktaUserStatus;
  /** Extra Okta user profile attributes (department, preferredLanguage, custom…). */
  profile?: Profile;
  appProfile?: Profile;
}

/**
 * Okta-looking ids: a 3-character type prefix and 17 alphanumerics. A random run prefix and a counter, because a
 * crypto call per id made loading 100,000 users noticeably slower.
 */
const RUN = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
let counter = 0;
export function oktaId(prefix: '00u' | '00g' | '0oa' | '0ua'): string {
  return prefix + RUN + (counter++).toString(36).padStart(9, '0');
}

export class OktaDirectory {
  readonly log: SystemLog;
  readonly app: FakeApp;
  readonly users = new Map<string, FakeUser>();
  readonly groups = new Map<string, FakeGroup>();
  readonly assignments = new Map<string, FakeAssignment>();
  readonly groupAssignments = new Map<string, FakeGroupAssignment>();
  /** Okta adds group-assigned members as app users asynchronously; false models the moment before it has. */
  materializeGroupAssignments = true;
  /** Off for bulk loads (benchmarks) that do not need a System Log. */
  recordEvents = true;
  private sortedAppUsers: string[] | null = null;
  private readonly sortedMembers = new Map<string, string[]>();

  constructor(readonly now: () => number = Date.now) {
    this.log = new SystemLog(now);
    this.app = { id: '0oaFakeRosterdApp001', name: 'rosterd_fake_app', label: 'Rosterd Fake App', created: now() };
  }

  clear(): void {
    this.users.clear();
    this.groups.clear();
    this.assignments.clear();
    this.groupAssignments.clear();
    this.log.clear();
    this.materializeGroupAssignments = true;
    this.invalidate();
  }

  // ---- reads -------------------------------------------------------------------------------------------

  userByIdOrLogin(key: string): FakeUser | undefined {
    const byId = this.users.get(key);
    if (byId) return byId;
    const lower = key.toLowerCase();
    for (const user of this.users.values()) if (String(user.profile.login).toLowerCase() === lower) return user;
    return undefined;
  }

  appUser(userId: string): EffectiveAppUser | null {
    const user = this.users.get(userId);
    // Deactivation revokes app access; the user stays readable under /api/v1/users.
    if (!user || user.status === 'DEPROVISIONED') return null;
    const direct = this.assignments.get(userId);
    const viaGroup = direct ? null : this.bestGroupAssignment(userId);
    const assignment = direct ?? viaGroup;
    if (!assignment) return null;
    const p = user.profile;
    const mapped: Profile = { email: p.email ?? null, firstName: p.firstName ?? null, lastName: p.lastName ?? null, displayName: p.displayName ?? null };
    return {
      user,
      scope: direct ? 'USER' : 'GROUP',
      userName: String(p.login),
      // Mapped user attributes, then the assignment's own values, then attributes the profile mappings push.
      profile: { ...mapped, ...assignment.profile, ...user.appProfile },
      created: assignment.created,
      lastUpdated: Math.max(assignment.lastUpdated, user.lastUpdated),
    };
  }

  /** Sorted ids of every app user: rebuilt once after a change, then paged by binary search. */
  appUserIds(): string[] {
    if (this.sortedAppUsers === null) {
      const ids = new Set(this.assignments.keys());
      if (this.materializeGroupAssignments) for (const groupId of this.groupAssignments.keys()) for (const id of this.groups.get(groupId)?.members ?? []) ids.add(id);
      this.sortedAppUsers = [...ids].filter((id) => this.users.get(id) && this.users.get(id)!.status !== 'DEPROVISIONED').sort();
    }
    return this.sortedAppUsers;
  }

  groupAssignmentIds(): string[] {
    return [...this.groupAssignments.keys()].sort();
  }

  groupMemberIds(groupId: string): string[] {
    let ids = this.sortedMembers.get(groupId);
    if (!ids) {
      ids = [...(this.groups.get(groupId)?.members ?? [])].filter((id) => this.users.has(id)).sort();
      this.sortedMembers.set(groupId, ids);
    }
    return ids;
  }

  groupsOf(userId: string): FakeGroup[] {
    return [...this.groups.values()].filter((g) => g.members.has(userId)).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  // ---- changes (each one logs what Okta would log) -----------------------------------------------------

  addUser(input: NewUser): FakeUser {
    const id = input.id ?? oktaId('00u');
    if (this.users.has(id)) throw new Error(`fake okta: user ${id} exists`);
    const now = this.now();
    const status = input.status ?? 'ACTIVE';
    const profile: Profile = { login: input.login, email: input.email ?? input.login, firstName: input.firstName ?? null, lastName: input.lastName ?? null, ...input.profile };
    const user: FakeUser = { id, status, created: now, activated: status === 'STAGED' ? null : now, statusChanged: now, lastUpdated: now, profile, appProfile: { ...input.appProfile } };
    this.users.set(id, user);
    this.invalidate();
    this.emit('user.lifecycle.create', `Create okta user`, [this.userTarget(user)]);
    if (status === 'ACTIVE') this.emit('user.lifecycle.activate', 'Activate Okta user', [this.userTarget(user)]);
    return user;
  }

  updateUser(id: string, patch: { profile?: Profile; appProfile?: Profile }): void {
    const user = this.mustUser(id);
    this.tracking([id], () => {
      if (patch.profile) user.profile = { ...user.profile, ...patch.profile };
      if (patch.appProfile) user.appProfile = { ...user.appProfile, ...patch.appProfile };
      user.lastUpdated = this.now();
    });
    if (patch.profile) this.emit('user.account.update_profile', 'Update user profile for Okta', [this.userTarget(user)]);
  }

  setStatus(id: string, status: OktaUserStatus): void {
    const user = this.mustUser(id);
    const before = user.status;
    if (before === status) return;
    this.tracking([id], () => {
      user.status = status;
      user.statusChanged = user.lastUpdated = this.now();
      if (status === 'DEPROVISIONED') this.assignments.delete(id);
      if (status === 'ACTIVE' && user.activated === null) user.activated = user.statusChanged;
    });
    const type =
      status === 'SUSPENDED' ? 'suspend' : status === 'DEPROVISIONED' ? 'deactivate' : before === 'SUSPENDED' ? 'unsuspend' : before === 'DEPROVISIONED' ? 'reactivate' : 'activate';
    this.emit(`user.lifecycle.${type}`, `${type} Okta user`, [this.userTarget(user)]);
  }

  /** Hard delete: Okta deactivates first, then deletes the user and its group memberships. */
  deleteUser(id: string): void {
    const user = this.mustUser(id);
    if (user.status !== 'DEPROVISIONED') this.setStatus(id, 'DEPROVISIONED');
    for (const group of this.groupsOf(id)) this.removeGroupMember(group.id, id);
    this.users.delete(id);
    this.invalidate();
    this.emit('user.lifecycle.delete.initiated', 'Delete Okta user', [this.userTarget(user)]);
  }

  assignUser(userId: string, profile: Profile = {}): void {
    this.mustUser(userId);
    this.tracking([userId], () => {
      const now = this.now();
      const existing = this.assignments.get(userId);
      this.assignments.set(userId, { created: existing?.created ?? now, lastUpdated: now, profile: { ...profile } });
    });
  }

  unassignUser(userId: string): void {
    this.tracking([userId], () => this.assignments.delete(userId));
  }

  addGroup(input: { id?: string; name: string; memberIds?: string[] }): FakeGroup {
    const id = input.id ?? oktaId('00g');
    const now = this.now();
    const group: FakeGroup = { id, name: input.name, created: now, lastUpdated: now, members: new Set() };
    this.groups.set(id, group);
    for (const userId of input.memberIds ?? []) this.addGroupMember(id, userId);
    return group;
  }

  addGroupMember(groupId: string, userId: string): void {
    const group = this.mustGroup(groupId);
    const user = this.mustUser(userId);
    if (group.members.has(userId)) return;
    this.tracking([userId], () => group.members.add(userId));
    this.emit('group.user_membership.add', 'Add user to group membership', [this.userTarget(user), this.groupTarget(group)]);
  }

  removeGroupMember(groupId: string, userId: string): void {
    const group = this.mustGroup(groupId);
    const user = this.mustUser(userId);
    if (!group.members.has(userId)) return;
    this.tracking([userId], () => group.members.delete(userId));
    this.emit('group.user_membership.remove', 'Remove user from group membership', [this.userTarget(user), this.groupTarget(group)]);
  }

  /** Assign (or re-profile) a group; `priority` 0 is the highest, as in Okta. */
  assignGroup(groupId: string, profile: Profile = {}, priority?: number): void {
    const group = this.mustGroup(groupId);
    const existing = this.groupAssignments.get(groupId);
    this.tracking(group.members, () => {
      const now = this.now();
      this.groupAssignments.set(groupId, {
        groupId,
        priority: priority ?? existing?.priority ?? this.groupAssignments.size,
        created: existing?.created ?? now,
        lastUpdated: now,
        profile: { ...profile },
      });
    });
    // Event names of the group-assignment family are unverified against a real org [U].
    this.emit(`group.application_assignment.${existing ? 'update' : 'add'}`, 'Assign application to group', [this.groupTarget(group), this.appTarget()]);
  }

  unassignGroup(groupId: string): void {
    const group = this.mustGroup(groupId);
    if (!this.groupAssignments.has(groupId)) return;
    this.tracking(group.members, () => this.groupAssignments.delete(groupId));
    this.emit('group.application_assignment.remove', 'Remove application assignment from group', [this.groupTarget(group), this.appTarget()]);
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private bestGroupAssignment(userId: string): FakeGroupAssignment | null {
    if (!this.materializeGroupAssignments) return null;
    let best: FakeGroupAssignment | null = null;
    for (const ga of this.groupAssignments.values()) {
      if (!this.groups.get(ga.groupId)?.members.has(userId)) continue;
      if (best === null || ga.priority < best.priority) best = ga;
    }
    return best;
  }

  /**
   * Run a change and log the app-membership consequences for the users it can affect: assignment added or
   * removed, app profile changed (`change_profile`, as the brief names it [U]), app username changed.
   */
  private tracking(userIds: Iterable<string>, change: () => void): void {
    if (!this.recordEvents) {
      change();
      this.invalidate();
      return;
    }
    const ids = [...userIds];
    const state = (id: string) => {
      const au = this.appUser(id);
      return au ? { userName: au.userName, profile: JSON.stringify(au.profile) } : null;
    };
    const before = new Map(ids.map((id) => [id, state(id)]));
    change();
    this.invalidate();
    for (const id of ids) {
      const was = before.get(id);
      const is = state(id);
      const user = this.users.get(id);
      if (!user) continue;
      const targets = () => [this.userTarget(user), this.appTarget(), this.appUserTarget(user)];
      if (!was && is) this.emit('application.user_membership.add', 'Add user to application membership', targets());
      else if (was && !is) this.emit('application.user_membership.remove', 'Remove user from application membership', targets());
      else if (was && is && was.userName !== is.userName) this.emit('application.user_membership.change_username', 'Change user name for application', targets());
      else if (was && is && was.profile !== is.profile) this.emit('application.user_membership.change_profile', 'Change application user profile', targets());
    }
  }

  private invalidate(): void {
    this.sortedAppUsers = null;
    this.sortedMembers.clear();
  }

  private emit(eventType: string, message: string, target: LogTarget[]): void {
    if (this.recordEvents) this.log.append(eventType, message, target);
  }

  private mustUser(id: string): FakeUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`fake okta: no user ${id}`);
    return user;
  }

  private mustGroup(id: string): FakeGroup {
    const group = this.groups.get(id);
    if (!group) throw new Error(`fake okta: no group ${id}`);
    return group;
  }

  private userTarget(user: FakeUser): LogTarget {
    const name = [user.profile.firstName, user.profile.lastName].filter(Boolean).join(' ');
    return { id: user.id, type: 'User', alternateId: String(user.profile.login), displayName: name || String(user.profile.login) };
  }

  private appTarget(): LogTarget {
    return { id: this.app.id, type: 'AppInstance', alternateId: this.app.label, displayName: this.app.label };
  }

  /** The AppUser target has its own `0ua…` id, not the Okta user id: a consumer must read the `User` target. */
  private appUserTarget(user: FakeUser): LogTarget {
    const id = '0ua' + [...user.id.slice(3)].reverse().join('');
    return { id, type: 'AppUser', alternateId: String(user.profile.login), displayName: String(user.profile.login) };
  }

  private groupTarget(group: FakeGroup): LogTarget {
    return { id: group.id, type: 'UserGroup', alternateId: group.name, displayName: group.name };
  }
}
