import type { BindingMapping } from '../../src/connector/binding-mapping.js';
import { resolveAppRoles } from '../../src/connector/resolve-app-roles.js';
import type { SnapshotGrant, SnapshotMember } from '../../src/connector/snapshot-member.js';

// Graph user + grants + role catalogue → SnapshotMember. Pure: problems are returned, not logged.

/** Default access: never listed in appRoles. */
export const DEFAULT_ACCESS_ROLE_ID = '00000000-0000-0000-0000-000000000000';

const BASE_SELECT = ['id', 'userPrincipalName', 'mail', 'givenName', 'surname', 'displayName', 'accountEnabled'] as const;

export interface GraphAppRole {
  id: string;
  value?: string | null;
  displayName?: string | null;
  isEnabled?: boolean;
}

/** Null = default access. */
export type AppRoleCatalogue = ReadonlyMap<string, string | null>;

/** The app role still as Graph's id. */
export interface EntraGrant {
  via: 'direct' | 'group';
  groupId?: string;
  groupName?: string;
  appRoleId: string;
}

export type GraphUserObject = { id: string } & Record<string, unknown>;

export interface MappedMember {
  member: SnapshotMember;
  problems: string[];
}

export type EntraMapping = Pick<
  BindingMapping,
  'userName' | 'creditLimit' | 'seatType' | 'attributes' | 'roles' | 'roleValueMap' | 'rolePrecedence' | 'defaultAccessRole'
>;

/** Disabled roles stay known, as assignments to them exist. */
export function appRoleCatalogue(appRoles: readonly GraphAppRole[]): AppRoleCatalogue {
  const catalogue = new Map<string, string | null>();
  for (const role of appRoles) {
    const value = role.value?.trim() || role.displayName?.trim() || null;
    if (value !== null) catalogue.set(role.id, value);
  }
  catalogue.set(DEFAULT_ACCESS_ROLE_ID, null);
  return catalogue;
}

/** Top-level properties only: `$select` takes no dotted paths. Sorted, so cursors can compare it. */
export function userSelect(mapping: Pick<BindingMapping, 'userName' | 'creditLimit' | 'seatType' | 'attributes'>): string[] {
  const paths = [mapping.userName, mapping.creditLimit, mapping.seatType, ...Object.values(mapping.attributes)];
  const select = new Set<string>(BASE_SELECT);
  for (const path of paths) if (path) select.add(path.split('.')[0]!);
  return [...select].sort();
}

export function readPath(source: Record<string, unknown>, path: string): unknown {
  let current: unknown = source;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function mapEntraUser(user: GraphUserObject, grants: readonly EntraGrant[], catalogue: AppRoleCatalogue, mapping: EntraMapping): MappedMember {
  const problems: string[] = [];
  const who = `user ${text(user.userPrincipalName) ?? user.id} (${user.id})`;
  const upn = text(user.userPrincipalName) ?? user.id;

  let userName = upn;
  if (mapping.userName && mapping.userName !== 'userPrincipalName') {
    const mapped = text(readPath(user, mapping.userName));
    if (mapped === null) problems.push(`${who}: userName source ${mapping.userName} is empty; used userPrincipalName instead`);
    else userName = mapped;
  }

  const mail = text(user.mail);
  const snapshotGrants: SnapshotGrant[] = [];
  const roleValues: (string | null)[] = [];
  const seen = new Set<string>();
  for (const grant of grants) {
    const key = `${grant.via}|${grant.groupId ?? ''}|${grant.appRoleId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const known = catalogue.has(grant.appRoleId);
    const value = known ? catalogue.get(grant.appRoleId)! : grant.appRoleId;
    if (known) roleValues.push(value);
    else problems.push(`${who}: app role ${grant.appRoleId} is not in the application's appRoles (deleted?); it grants access but no role`);
    const out: SnapshotGrant = { via: grant.via, appRole: value };
    if (grant.groupId !== undefined) out.groupId = grant.groupId;
    if (grant.groupName !== undefined) out.groupName = grant.groupName;
    snapshotGrants.push(out);
  }

  const attributes: Record<string, string | null> = {};
  for (const [field, path] of Object.entries(mapping.attributes)) attributes[field] = scalar(readPath(user, path));

  const member: SnapshotMember = {
    externalId: user.id,
    userName,
    // Graph's default.
    active: user.accountEnabled !== false,
    displayName: text(user.displayName),
    givenName: text(user.givenName),
    familyName: text(user.surname),
    emails: mail ? [{ value: mail, type: 'work', primary: true }] : [],
    roles: resolveAppRoles(roleValues, mapping),
    creditLimit: mapping.creditLimit ? creditLimitOf(user, mapping.creditLimit, who, problems) : null,
    seatType: mapping.seatType ? scalar(readPath(user, mapping.seatType)) : null,
    attributes,
    grants: snapshotGrants,
  };
  return { member, problems };
}

function creditLimitOf(user: Record<string, unknown>, path: string, who: string, problems: string[]): number | null {
  const raw = readPath(user, path);
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return null;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= 0) return n;
  problems.push(`${who}: creditLimit source ${path} is ${JSON.stringify(raw)}, not a non-negative whole number; creditLimit left empty`);
  return null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function scalar(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}
