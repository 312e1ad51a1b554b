import type { FieldSources, Member, MemberField, MemberFields } from '../model/member.js';
import type { MembershipRow, MembershipTable } from './database.js';

/** The one place that knows both spellings. */
export const MEMBER_COLUMNS: Record<MemberField, keyof MembershipTable> = {
  externalId: 'external_id',
  userName: 'user_name',
  displayName: 'display_name',
  givenName: 'given_name',
  familyName: 'family_name',
  formattedName: 'formatted_name',
  middleName: 'middle_name',
  honorificPrefix: 'honorific_prefix',
  honorificSuffix: 'honorific_suffix',
  nickName: 'nick_name',
  profileUrl: 'profile_url',
  userType: 'user_type',
  title: 'title',
  locale: 'locale',
  preferredLanguage: 'preferred_language',
  timezone: 'timezone',
  emails: 'emails',
  phoneNumbers: 'phone_numbers',
  addresses: 'addresses',
  roles: 'roles',
  employeeNumber: 'employee_number',
  department: 'department',
  costCenter: 'cost_center',
  organization: 'organization',
  division: 'division',
  managerId: 'manager_id',
  managerRef: 'manager_ref',
  managerDisplayName: 'manager_display_name',
  active: 'active',
  role: 'role',
  creditLimit: 'credit_limit',
  seatType: 'seat_type',
};

const JSON_FIELDS = new Set<MemberField>(['emails', 'phoneNumbers', 'addresses', 'roles']);

export function toColumnValue(field: MemberField, value: unknown): unknown {
  if (JSON_FIELDS.has(field)) return value === null || value === undefined ? null : JSON.stringify(value);
  if (field === 'active') return value ? 1 : 0;
  return value ?? null;
}

/** userName also sets user_name_lower. */
export function fieldsToColumns(fields: Partial<MemberFields>): Partial<MembershipTable> {
  const row: Record<string, unknown> = {};
  // for…in: no entry pair per field on every member written.
  for (const key in fields) {
    const field = key as MemberField;
    if (!Object.hasOwn(fields, field) || !Object.hasOwn(MEMBER_COLUMNS, field)) continue;
    const column = MEMBER_COLUMNS[field];
    const value = fields[field];
    row[column] = toColumnValue(field, value);
    if (field === 'userName') row.user_name_lower = String(value).toLowerCase();
  }
  return row as Partial<MembershipTable>;
}

const parseJson = (text: string | null): unknown[] | null => (text === null ? null : (JSON.parse(text) as unknown[]));

/** Without fieldSources: SCIM and pull reads never use them, and parsing costs. */
export function rowToMember(row: MembershipRow): Member {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    accountId: row.account_id,
    externalId: row.external_id,
    userName: row.user_name,
    displayName: row.display_name,
    givenName: row.given_name,
    familyName: row.family_name,
    formattedName: row.formatted_name,
    middleName: row.middle_name,
    honorificPrefix: row.honorific_prefix,
    honorificSuffix: row.honorific_suffix,
    nickName: row.nick_name,
    profileUrl: row.profile_url,
    userType: row.user_type,
    title: row.title,
    locale: row.locale,
    preferredLanguage: row.preferred_language,
    timezone: row.timezone,
    emails: parseJson(row.emails),
    phoneNumbers: parseJson(row.phone_numbers),
    addresses: parseJson(row.addresses),
    roles: parseJson(row.roles),
    employeeNumber: row.employee_number,
    department: row.department,
    costCenter: row.cost_center,
    organization: row.organization,
    division: row.division,
    managerId: row.manager_id,
    managerRef: row.manager_ref,
    managerDisplayName: row.manager_display_name,
    active: Number(row.active) === 1,
    role: row.role,
    creditLimit: row.credit_limit === null ? null : Number(row.credit_limit),
    seatType: row.seat_type,
    owner: Number(row.owner) === 1,
    lastSource: row.last_source,
    managedBy: row.managed_by ?? null,
    version: Number(row.version),
    syncedVersion: Number(row.synced_version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** For `rosterd members --json`. */
export function rowToMemberWithSources(row: MembershipRow): Member {
  const member = rowToMember(row);
  member.fieldSources = row.field_sources === null ? {} : (JSON.parse(row.field_sources) as FieldSources);
  return member;
}
