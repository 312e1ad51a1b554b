import type { Group } from '../model/group.js';
import type { Member } from '../model/member.js';

/**
 * Members and groups as the vendor's app sees them: the app API's resources and the state events carry. Flat and
 * stable; the SCIM attributes the app rarely needs (addresses, phone numbers, the enterprise extension) stay in SCIM.
 */
export interface AppMember {
  id: string;
  externalId: string | null;
  userName: string;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  /** The primary email, else the first one, else null. */
  email: string | null;
  title: string | null;
  department: string | null;
  active: boolean;
  /** V2 workspaces: admin, editor or viewer. */
  role: string | null;
  /** V2 workspaces: the monthly credit cap; null for none. */
  creditLimit: number | null;
  /** V1 workspaces: the seat the member occupies. */
  seatType: string | null;
  owner: boolean;
  /** The connector binding that manages the member; null when pushed over SCIM or made by hand. */
  managedBy: string | null;
  /** Moves with every change: an app keeps the highest it has seen. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface AppGroup {
  id: string;
  externalId: string | null;
  /** As the IdP names it. */
  displayName: string;
  /** What the app shows: the workspace's group prefix and the display name. */
  appName: string;
  managedBy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A member as a group-membership event names it. */
export interface MemberRef {
  id: string;
  userName: string | null;
  externalId: string | null;
}

function emailOf(emails: unknown[] | null): string | null {
  if (!emails || emails.length === 0) return null;
  const values = emails.filter((e): e is { value: string; primary?: unknown } => typeof e === 'object' && e !== null && typeof (e as { value?: unknown }).value === 'string');
  return (values.find((e) => e.primary === true) ?? values[0])?.value ?? null;
}

export function appMemberOf(member: Member): AppMember {
  return {
    id: member.id,
    externalId: member.externalId,
    userName: member.userName,
    displayName: member.displayName,
    givenName: member.givenName,
    familyName: member.familyName,
    email: emailOf(member.emails),
    title: member.title,
    department: member.department,
    active: member.active,
    role: member.role,
    creditLimit: member.creditLimit,
    seatType: member.seatType,
    owner: member.owner,
    managedBy: member.managedBy,
    version: member.version,
    createdAt: member.createdAt,
    updatedAt: member.updatedAt,
  };
}

export function appGroupOf(group: Group): AppGroup {
  return {
    id: group.id,
    externalId: group.externalId,
    displayName: group.displayName,
    appName: group.appName,
    managedBy: group.managedBy,
    version: group.version,
    createdAt: group.createdAt,
    updatedAt: group.updatedAt,
  };
}
