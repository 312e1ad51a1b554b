import type { SnapshotMember } from '../connector/snapshot-member.js';
import { MEMBER_FIELDS, type MemberField, type MemberFields } from '../model/member.js';
import type { Workspace } from '../model/workspace.js';

/**
 * Only the fields a pull manages: unmapped fields are absent, so a pull never clears what a push wrote. Role and seat
 * follow the same rules as SCIM push. A value equal to the current row keeps the row's form, so push and pull converge.
 */
export function desiredMemberFields(workspace: Workspace, member: SnapshotMember, current?: Pick<MemberFields, 'emails'> | null): Partial<MemberFields> {
  const fields: Partial<MemberFields> = {
    externalId: member.externalId,
    userName: member.userName,
    active: member.active,
    displayName: member.displayName,
    givenName: member.givenName,
    familyName: member.familyName,
    // A push without emails stores null, not []; match it so the two converge.
    emails: member.emails.length > 0 ? member.emails.map((e) => ({ ...e })) : null,
  };
  if (current && equivalentEmails(current.emails, member.emails)) fields.emails = structuredClone(current.emails);
  for (const [field, value] of Object.entries(member.attributes)) {
    if ((MEMBER_FIELDS as readonly string[]).includes(field) && !MANAGED_ELSEWHERE.has(field as MemberField)) {
      (fields as Record<string, unknown>)[field] = value;
    }
  }
  if (workspace.version === 'v2') {
    const best = workspace.policy.rolePrecedence.find((role) => member.roles.includes(role));
    fields.role = best ?? member.roles[0] ?? workspace.policy.defaultRole;
    fields.creditLimit = member.creditLimit;
    fields.seatType = member.seatType;
  } else {
    // V1 workspaces have seats, not roles.
    fields.role = null;
    fields.creditLimit = member.creditLimit;
    fields.seatType = member.seatType ?? workspace.policy.defaultSeatType ?? null;
  }
  return fields;
}

/** A mapped attribute of the same name does not override these. */
const MANAGED_ELSEWHERE = new Set<MemberField>(['externalId', 'userName', 'active', 'role', 'creditLimit', 'seatType']);

/**
 * Same order, value, primary flag, and type where the IdP gives one; key order and unread sub-attributes are ignored
 * (Okta's PUT adds `display`, and comparing it would flap).
 */
export function equivalentEmails(stored: unknown[] | null, pulled: SnapshotMember['emails']): boolean {
  const elements = stored ?? [];
  if (elements.length !== pulled.length || elements.length === 0) return false;
  return pulled.every((want, i) => {
    const have = elements[i] as { value?: unknown; type?: unknown; primary?: unknown } | null;
    if (have === null || typeof have !== 'object') return false;
    return have.value === want.value && (want.type === undefined || have.type === want.type) && (have.primary === true) === (want.primary === true);
  });
}
