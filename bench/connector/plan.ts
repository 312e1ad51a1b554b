import type { BindingMapping } from '../../src/connector/binding-mapping.js';
import type { RemovedMember, SnapshotMember } from '../../src/connector/snapshot-member.js';
import { scrambledGuid, unscrambleGuid } from './scrambled-guid.js';

/**
 * The connector benchmark's directory, the same for both IdPs and computed, not stored: the fake process seeds
 * from it and the client process checks every member it reads against it (ids encode the plan index).
 *
 * - 10% of the assigned users are assigned only through groups (groups of 1,000, alternately Editor / Viewer);
 *   another 1% are assigned directly and are also in an assigned group (two grants to merge);
 * - direct assignments: 5% Admin, 25% Editor, 60% Viewer, 10% default access (no app role);
 * - every user has a creditLimit (Entra extensionAttribute1 as a string; Okta app-user profile creditLimit,
 *   a number) and a department;
 * - 1% more users exist but are not assigned (and, on Entra, one service principal is: it must be ignored).
 */
export type Idp = 'entra' | 'okta';
export const IDPS: readonly Idp[] = ['entra', 'okta'];

export type AppRoleValue = 'Admin' | 'Editor' | 'Viewer';
export const APP_ROLES: readonly AppRoleValue[] = ['Admin', 'Editor', 'Viewer'];
const ROLE_OF: Record<AppRoleValue, 'admin' | 'editor' | 'viewer'> = { Admin: 'admin', Editor: 'editor', Viewer: 'viewer' };
const PRECEDENCE = ['admin', 'editor', 'viewer'] as const;

export const GROUP_SIZE = 1000;
export const CHANGED_CREDIT_LIMIT = 77_777;
export const CHANGED_DEPARTMENT = 'Changed by the benchmark';

export interface Plan {
  /** Assigned users: what a snapshot must return. */
  members: number;
  groupOnly: number;
  /** Direct and group-assigned at once. */
  both: number;
  groups: number;
  /** Users in the directory that are not assigned. */
  unassigned: number;
}

export function makePlan(members: number): Plan {
  const groupOnly = Math.round(members * 0.1);
  const both = Math.round(members * 0.01);
  return { members, groupOnly, both, groups: Math.max(1, Math.ceil(groupOnly / GROUP_SIZE)), unassigned: Math.round(members * 0.01) };
}

export interface PlanUser {
  index: number;
  /** The direct assignment's app role; null = default access (Entra) / no role attribute (Okta); undefined = not direct. */
  directRole: AppRoleValue | null | undefined;
  /** The assigned group the user is a direct member of, if any. */
  group: number | null;
  creditLimit: number;
  department: string;
}

export function planUser(plan: Plan, index: number): PlanUser {
  const base = { index, creditLimit: (index % 50) * 100, department: `Dept ${index % 40}` };
  if (index >= plan.members) return { ...base, directRole: undefined, group: null };
  if (index < plan.groupOnly) return { ...base, directRole: undefined, group: index % plan.groups };
  const group = index < plan.groupOnly + plan.both ? index % plan.groups : null;
  const slot = index % 20;
  const directRole: AppRoleValue | null = slot === 0 ? 'Admin' : slot <= 5 ? 'Editor' : slot <= 17 ? 'Viewer' : null;
  return { ...base, directRole, group };
}

export function groupRole(group: number): AppRoleValue {
  return group % 2 === 0 ? 'Editor' : 'Viewer';
}

/** The workspace role a member must resolve to: one role by precedence; default access maps to viewer. */
export function expectedRole(user: PlanUser): string {
  const roles = new Set<string>();
  if (user.directRole !== undefined) roles.add(user.directRole === null ? 'viewer' : ROLE_OF[user.directRole]);
  if (user.group !== null) roles.add(ROLE_OF[groupRole(user.group)]);
  return PRECEDENCE.find((r) => roles.has(r))!;
}

// ------------------------------------------------------------------------------------------- ids

const ENTRA_GROUP = 'b1000000-0000-4000-8000-';
const OKTA_USER = '00ubench';
const OKTA_GROUP = '00gbench';

/** Entra user ids are random-looking GUIDs, as Entra's are (scrambled-guid.ts); Okta's count up. */
export function userId(idp: Idp, index: number): string {
  return idp === 'entra' ? scrambledGuid(index) : OKTA_USER + index.toString(36).padStart(12, '0');
}

export function groupId(idp: Idp, group: number): string {
  return idp === 'entra' ? ENTRA_GROUP + group.toString(16).padStart(12, '0') : OKTA_GROUP + group.toString(36).padStart(12, '0');
}

/** The plan index an id encodes, or -1 when it is not one of the plan's users. */
export function indexOf(idp: Idp, id: string): number {
  if (idp === 'entra') return unscrambleGuid(id);
  if (!id.startsWith(OKTA_USER)) return -1;
  const n = parseInt(id.slice(OKTA_USER.length), 36);
  return Number.isSafeInteger(n) && userId(idp, n) === id ? n : -1;
}

// ------------------------------------------------------------------------------------------- mapping

export const CREDIT_LIMIT_SOURCE: Record<Idp, string> = { entra: 'onPremisesExtensionAttributes.extensionAttribute1', okta: 'profile.creditLimit' };
export const DEPARTMENT_SOURCE: Record<Idp, string> = { entra: 'department', okta: 'user.profile.department' };

export function mappingFor(idp: Idp): Partial<BindingMapping> {
  return {
    creditLimit: CREDIT_LIMIT_SOURCE[idp],
    attributes: { department: DEPARTMENT_SOURCE[idp] },
    roleValueMap: { Admin: 'admin', Editor: 'editor', Viewer: 'viewer' },
    defaultAccessRole: 'viewer',
  };
}

// ------------------------------------------------------------------------------------------- changes

export interface ChangePlan {
  updated: number[];
  unassigned: number[];
  /** Entra: deleted to deletedItems (restorable); Okta: deactivated (DEPROVISIONED, Okta's step before deletion). */
  deleted: number[];
}

/** `count` directly-assigned-only users spread over the directory: half updated, a quarter unassigned, a quarter deleted. */
export function changePlan(plan: Plan, count: number): ChangePlan {
  const first = plan.groupOnly + plan.both;
  const span = plan.members - first;
  const n = Math.min(count, span);
  const step = Math.max(1, Math.floor(span / Math.max(1, n)));
  const picked = Array.from({ length: n }, (_, k) => first + k * step);
  const updates = Math.round(n / 2);
  const unassigns = Math.floor((n - updates) / 2);
  return { updated: picked.slice(0, updates), unassigned: picked.slice(updates, updates + unassigns), deleted: picked.slice(updates + unassigns) };
}

export const DELETE_REASON: Record<Idp, RemovedMember['reason']> = { entra: 'changed', okta: 'deleted' };

// ------------------------------------------------------------------------------------------- checks

/** Checks every snapshot member against the plan; collects the first few problems and aggregate counts. */
export class SnapshotCheck {
  readonly seen: Uint8Array;
  members = 0;
  duplicates = 0;
  unknown = 0;
  wrong = 0;
  viaGroup = 0;
  readonly roles: Record<string, number> = {};
  readonly problems: string[] = [];

  constructor(
    private readonly idp: Idp,
    private readonly plan: Plan,
  ) {
    this.seen = new Uint8Array(plan.members);
  }

  add(m: SnapshotMember): void {
    this.members++;
    const index = indexOf(this.idp, m.externalId);
    if (index < 0 || index >= this.plan.members) {
      this.unknown++;
      this.problem(`unexpected member ${m.externalId}`);
      return;
    }
    if (this.seen[index]) {
      this.duplicates++;
      this.problem(`member ${m.externalId} returned twice`);
      return;
    }
    this.seen[index] = 1;
    const role = m.roles.join(',');
    this.roles[role] = (this.roles[role] ?? 0) + 1;
    const u = planUser(this.plan, index);
    const hasGroup = m.grants.some((g) => g.via === 'group' && g.groupId === groupId(this.idp, u.group ?? -1));
    if (hasGroup) this.viaGroup++;
    const issues: string[] = [];
    if (role !== expectedRole(u)) issues.push(`roles ${JSON.stringify(m.roles)} ≠ ${expectedRole(u)}`);
    if (m.creditLimit !== u.creditLimit) issues.push(`creditLimit ${m.creditLimit} ≠ ${u.creditLimit}`);
    if (m.attributes.department !== u.department) issues.push(`department ${m.attributes.department} ≠ ${u.department}`);
    if ((u.group !== null) !== hasGroup) issues.push(`group grant ${hasGroup} ≠ ${u.group !== null}`);
    if (!m.active) issues.push('inactive');
    if (issues.length > 0) {
      this.wrong++;
      this.problem(`member ${m.externalId}: ${issues.join('; ')}`);
    }
  }

  /** Problems that make the run a correctness failure (empty = all good). */
  verdict(): string[] {
    const out = [...this.problems];
    const missing = this.plan.members - (this.members - this.duplicates - this.unknown);
    if (missing > 0) out.unshift(`${missing} assigned members missing (read ${this.members} of ${this.plan.members})`);
    const expectedViaGroup = this.plan.groupOnly + this.plan.both;
    if (this.viaGroup !== expectedViaGroup) out.unshift(`${this.viaGroup} members with a group grant, expected ${expectedViaGroup}`);
    return out;
  }

  private problem(text: string): void {
    if (this.problems.length < 5) this.problems.push(text);
  }
}

export interface ChangeCheckResult {
  changes: number;
  /** Changes about users the benchmark did not touch (a replay would be harmless; reported, not failed). */
  extra: number;
  problems: string[];
}

/** Did fetchChanges report every change of `changes`, each with the right content? */
export function checkChanges(idp: Idp, changes: readonly (SnapshotMember | RemovedMember)[], planned: ChangePlan): ChangeCheckResult {
  const byIndex = new Map<number, SnapshotMember | RemovedMember>();
  let extra = 0;
  for (const c of changes) {
    const index = indexOf(idp, c.externalId);
    if (index < 0) extra++;
    else byIndex.set(index, c);
  }
  const problems: string[] = [];
  const note = (text: string) => {
    if (problems.length < 5) problems.push(text);
  };
  let missing = 0;
  for (const i of planned.updated) {
    const c = byIndex.get(i);
    if (!c) missing++;
    else if ('removed' in c) note(`updated user ${c.externalId} came back as removed (${c.reason})`);
    else if (c.creditLimit !== CHANGED_CREDIT_LIMIT || c.attributes.department !== CHANGED_DEPARTMENT) {
      note(`updated user ${c.externalId}: creditLimit ${c.creditLimit}, department ${c.attributes.department}`);
    }
  }
  for (const [list, reason] of [
    [planned.unassigned, 'unassigned'],
    [planned.deleted, DELETE_REASON[idp]],
  ] as const) {
    for (const i of list) {
      const c = byIndex.get(i);
      if (!c) missing++;
      else if (!('removed' in c) || c.reason !== reason) note(`user ${c.externalId}: expected removed (${reason}), got ${'removed' in c ? `removed (${c.reason})` : 'a member'}`);
    }
  }
  if (missing > 0) problems.unshift(`${missing} of ${planned.updated.length + planned.unassigned.length + planned.deleted.length} changes not reported`);
  const touched = new Set([...planned.updated, ...planned.unassigned, ...planned.deleted]);
  for (const i of byIndex.keys()) if (!touched.has(i)) extra++;
  return { changes: changes.length, extra, problems };
}
