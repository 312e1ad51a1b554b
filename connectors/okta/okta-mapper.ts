import type { BindingMapping } from '../../src/connector/binding-mapping.js';
import { resolveAppRoles } from '../../src/connector/resolve-app-roles.js';
import type { SnapshotGrant, SnapshotMember } from '../../src/connector/snapshot-member.js';

// Okta app user (Okta user embedded by `expand=user`) → SnapshotMember. Pure. Paths other than the app user's and
// `user.*` are read from the Okta user profile. The key is AppUser.id; AppUser.externalId is the target app's id.

export interface OktaUserLike {
  id?: string;
  status?: string;
  profile?: object;
  credentials?: object;
}

export interface OktaAppUserLike {
  id?: string;
  scope?: string;
  status?: string;
  credentials?: { userName?: string };
  profile?: object;
  _embedded?: { [key: string]: unknown };
}

export interface GroupAssignmentRef {
  groupId: string;
  groupName: string | null;
  /** Okta applies the profile of the group with the lowest priority number. */
  priority: number;
  profile: Record<string, unknown>;
}

export type OktaMapping = Pick<BindingMapping, 'userName' | 'creditLimit' | 'seatType' | 'attributes' | 'roles' | 'roleValueMap' | 'rolePrecedence' | 'defaultAccessRole'>;

const ROOTS = new Set(['id', 'externalId', 'scope', 'status', 'syncState', 'created', 'lastUpdated', 'statusChanged', 'credentials', 'profile', 'user', '_embedded']);
const DEFAULT_USERNAME = 'credentials.userName';
const DEFAULT_CREDIT_LIMIT = 'profile.creditLimit';
const DEFAULT_SEAT_TYPE = 'profile.seatType';
const NAME_FIELDS = new Set(['givenName', 'familyName', 'displayName']);

/** STAGED, SUSPENDED and DEPROVISIONED cannot sign in. */
const ACTIVE_USER_STATUSES = new Set(['ACTIVE', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT']);
/** Only when the Okta user was not embedded. */
const INACTIVE_APP_USER_STATUSES = new Set(['INACTIVE', 'DEPROVISIONED', 'SUSPENDED', 'REVOKED', 'UNASSIGNED', 'PENDING', 'STAGED']);

export function isActiveUserStatus(status: string | undefined): boolean {
  return status !== undefined && ACTIVE_USER_STATUSES.has(status);
}

function embeddedUser(appUser: OktaAppUserLike): OktaUserLike | undefined {
  const user = appUser._embedded?.user;
  return user && typeof user === 'object' ? (user as OktaUserLike) : undefined;
}

export function readPath(appUser: OktaAppUserLike, path: string): unknown {
  const segments = path.split('.');
  const root = segments[0]!;
  // No merged document: this runs several times per member.
  let value: unknown = root === 'user' ? embeddedUser(appUser) : ROOTS.has(root) ? appUser : embeddedUser(appUser)?.profile;
  for (const segment of root === 'user' ? segments.slice(1) : segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function asText(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const parts = value.filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
    return parts.length > 0 ? parts.join(',') : null;
  }
  return null;
}

export function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

/** `role` (string or array), else `roles`. */
export function roleValues(profile: Record<string, unknown> | undefined): (string | null)[] {
  const raw = profile?.role ?? profile?.roles;
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string' && v !== '');
  // No role attribute: defaultAccessRole covers it.
  return values.length > 0 ? values : [null];
}

function grantsFor(appUser: OktaAppUserLike, groups: readonly GroupAssignmentRef[]): SnapshotGrant[] {
  const grants: SnapshotGrant[] = [];
  const profile = appUser.profile as Record<string, unknown> | undefined;
  if (appUser.scope !== 'GROUP') for (const appRole of roleValues(profile)) grants.push({ via: 'direct', appRole });
  for (const g of groups) {
    for (const appRole of roleValues(g.profile)) grants.push({ via: 'group', groupId: g.groupId, ...(g.groupName !== null ? { groupName: g.groupName } : {}), appRole });
  }
  // Scope GROUP without group data: Okta's merged profile still names the highest-priority group's role.
  if (appUser.scope === 'GROUP' && groups.length === 0) for (const appRole of roleValues(profile)) grants.push({ via: 'group', appRole });
  return grants;
}

export function memberFromAppUser(appUser: OktaAppUserLike, groups: readonly GroupAssignmentRef[], mapping: OktaMapping): SnapshotMember {
  const externalId = appUser.id;
  if (!externalId) throw new Error('okta app user without an id');
  const user = embeddedUser(appUser);
  const text = (path: string) => asText(readPath(appUser, path));
  const userProfile = (user?.profile ?? {}) as Record<string, unknown>;
  const appProfile = (appUser.profile ?? {}) as Record<string, unknown>;

  const attributes: Record<string, string | null> = {};
  const names: Record<string, string | null> = {
    givenName: asText(userProfile.firstName) ?? asText(appProfile.firstName),
    familyName: asText(userProfile.lastName) ?? asText(appProfile.lastName),
    displayName: asText(userProfile.displayName) ?? asText(appProfile.displayName),
  };
  for (const [field, path] of Object.entries(mapping.attributes)) {
    if (NAME_FIELDS.has(field)) names[field] = text(path);
    else attributes[field] = text(path);
  }

  const email = asText(userProfile.email) ?? asText(appProfile.email);
  const grants = grantsFor(appUser, groups);
  const active = user?.status !== undefined ? isActiveUserStatus(user.status) : !INACTIVE_APP_USER_STATUSES.has(appUser.status ?? '');
  return {
    externalId,
    userName: (mapping.userName ? text(mapping.userName) : null) ?? text(DEFAULT_USERNAME) ?? asText(userProfile.login) ?? externalId,
    active,
    displayName: names.displayName ?? null,
    givenName: names.givenName ?? null,
    familyName: names.familyName ?? null,
    emails: email ? [{ value: email, type: 'work', primary: true }] : [],
    roles: resolveAppRoles(
      grants.map((g) => g.appRole),
      mapping,
    ),
    creditLimit: asNumber(readPath(appUser, mapping.creditLimit ?? DEFAULT_CREDIT_LIMIT)),
    seatType: text(mapping.seatType ?? DEFAULT_SEAT_TYPE),
    attributes,
    grants,
  };
}

/** Okta materialises group assignments asynchronously; this builds the app user as Okta will list it. */
export function memberFromGroupOnlyUser(user: OktaUserLike, groups: readonly GroupAssignmentRef[], mapping: OktaMapping): SnapshotMember {
  const best = [...groups].sort((a, b) => a.priority - b.priority)[0];
  const userProfile = (user.profile ?? {}) as Record<string, unknown>;
  const appUser: OktaAppUserLike = {
    ...(user.id !== undefined ? { id: user.id } : {}),
    scope: 'GROUP',
    credentials: { ...(typeof userProfile.login === 'string' ? { userName: userProfile.login } : {}) },
    profile: { ...best?.profile },
    _embedded: { user },
  };
  return memberFromAppUser(appUser, groups, mapping);
}
