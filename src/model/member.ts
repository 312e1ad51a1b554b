// A membership: the SCIM User in one workspace. Fields are flat so a diff, a log entry and a column update are the
// same thing; multi-valued attributes are kept as sent.

export interface ManagerRef {
  value: string;
  $ref?: string;
  displayName?: string;
}

export interface MemberFields {
  externalId: string | null;
  userName: string;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  formattedName: string | null;
  middleName: string | null;
  honorificPrefix: string | null;
  honorificSuffix: string | null;
  nickName: string | null;
  profileUrl: string | null;
  userType: string | null;
  title: string | null;
  locale: string | null;
  preferredLanguage: string | null;
  timezone: string | null;
  emails: unknown[] | null;
  phoneNumbers: unknown[] | null;
  addresses: unknown[] | null;
  roles: unknown[] | null;
  employeeNumber: string | null;
  department: string | null;
  costCenter: string | null;
  organization: string | null;
  division: string | null;
  managerId: string | null;
  managerRef: string | null;
  managerDisplayName: string | null;
  active: boolean;
  role: string | null;
  /** V2 monthly credit cap; null: none. */
  creditLimit: number | null;
  seatType: string | null;
}

export type MemberField = keyof MemberFields;

export interface Member extends MemberFields {
  id: string;
  workspaceId: string;
  accountId: string;
  owner: boolean;
  /** `key:<keyId>`, `connector:<name>` or `cli`. */
  lastSource: string;
  /** Binding whose pull may deprovision it. */
  managedBy: string | null;
  /** Last writer per field; loaded only where shown. */
  fieldSources?: FieldSources;
  version: number;
  /** When the managing binding last left it matching its IdP. */
  syncedVersion: number;
  createdAt: string;
  updatedAt: string;
}

export type FieldSources = Readonly<Partial<Record<MemberField, string>>>;

export const MEMBER_FIELDS: readonly MemberField[] = [
  'externalId', 'userName', 'displayName', 'givenName', 'familyName', 'formattedName', 'middleName',
  'honorificPrefix', 'honorificSuffix', 'nickName', 'profileUrl', 'userType', 'title', 'locale',
  'preferredLanguage', 'timezone', 'emails', 'phoneNumbers', 'addresses', 'roles', 'employeeNumber',
  'department', 'costCenter', 'organization', 'division', 'managerId', 'managerRef', 'managerDisplayName',
  'active', 'role', 'creditLimit', 'seatType',
];

const NO_FIELDS: Readonly<Record<MemberField, null>> = Object.freeze(Object.fromEntries(MEMBER_FIELDS.map((f) => [f, null])) as Record<MemberField, null>);

export function emptyMemberFields(userName: string): MemberFields {
  const fields = Object.assign({}, NO_FIELDS) as unknown as MemberFields;
  fields.userName = userName;
  fields.active = true;
  return fields;
}

export function memberFieldsOf(member: MemberFields): MemberFields {
  const fields: Record<string, unknown> = {};
  for (const field of MEMBER_FIELDS) fields[field] = member[field];
  return fields as unknown as MemberFields;
}

export function diffMemberFields(
  before: MemberFields,
  after: MemberFields,
): { before: Partial<MemberFields>; after: Partial<MemberFields> } | null {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const field of MEMBER_FIELDS) {
    if (!sameValue(before[field], after[field])) {
      b[field] = before[field];
      a[field] = after[field];
    }
  }
  return Object.keys(a).length === 0 ? null : { before: b as Partial<MemberFields>, after: a as Partial<MemberFields> };
}

/** Object key order does not count: Entra and Okta order email keys differently. */
export function sameValue(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
  return JSON.stringify(x) === JSON.stringify(y) || JSON.stringify(x, sortedKeys) === JSON.stringify(y, sortedKeys);
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The primary (else first) email, else the userName. */
export function accountEmailOf(fields: Pick<MemberFields, 'emails' | 'userName'>): string {
  const emails = (fields.emails ?? []).filter((e): e is { value: string; primary?: unknown } =>
    typeof (e as { value?: unknown })?.value === 'string',
  );
  const chosen = emails.find((e) => e.primary === true) ?? emails[0];
  return (chosen?.value ?? fields.userName).trim().toLowerCase();
}

export function setFieldsOf(fields: Record<string, unknown>): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const key in fields) if (Object.hasOwn(fields, key) && fields[key] !== null) set[key] = fields[key];
  return set;
}
