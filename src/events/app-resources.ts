import type { Group } from '../model/group.js';
import type { Member } from '../model/member.js';

/** A member as the vendor's app sees it: flat, without the SCIM attributes apps rarely need. */
export interface AppMember {
  id: string;
  externalId: string | null;
  userName: string;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  /** The primary email, else the first. */
  email: string | null;
  title: string | null;
  department: string | null;
  active: boolean;
  /** V2 workspaces only. */
  role: string | null;
  /** V2 workspaces only; null: no cap. */
  creditLimit: number | null;
  /** V1 workspaces only. */
  seatType: string | null;
  owner: boolean;
  /** The managing connector binding; null when pushed over SCIM or made by hand. */
  managedBy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface AppGroup {
  id: string;
  externalId: string | null;
  displayName: string;
  /** Group prefix + display name. */
  appName: string;
  managedBy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

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
