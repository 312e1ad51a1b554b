import type { SnapshotMember } from '../connector/snapshot-member.js';
import { MEMBER_FIELDS, type MemberField, type MemberFields } from '../model/member.js';
import type { Workspace } from '../model/workspace.js';

/**
 * What the IdP says about one member, as member fields, for only the fields a pull manages. Fields the
 * binding does not map (a title pushed over SCIM, say) are absent, so a pull never clears what push wrote.
 * The role and seat rules are the workspace's, exactly as for a SCIM push: the workspace's role precedence
 * picks among several roles, its default role fills a missing one (V2), its default seat type a missing
 * seat (V1), and each version's attributes stay null on the other.
 *
 * With the member's current fields (the store row the pull matched), a value the IdP states the same way as
 * the row is given in the row's own representation, so that push then pull converges (see `equivalentEmails`).
 */
export function desiredMemberFields(workspace: Workspace, member: SnapshotMember, current?: Pick<MemberFields, 'emails'> | null): Partial<MemberFields> {
  const fields: Partial<MemberFields> = {
    externalId: member.externalId,
    userName: member.userName,
    active: member.active,
    displayName: member.displayName,
    givenName: member.givenName,
    familyName: member.familyName,
    // A push without emails stores null, not []; the pull does the same so the two converge.
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
    // V1 workspaces have seats, not roles: an app role the IdP assigns does not become a V2 role here.
    fields.role = null;
    fields.creditLimit = member.creditLimit;
    fields.seatType = member.seatType ?? workspace.policy.defaultSeatType ?? null;
  }
  return fields;
}

/** Fields set above from the snapshot's own properties; a mapped attribute of the same name does not override them. */
const MANAGED_ELSEWHERE = new Set<MemberField>(['externalId', 'userName', 'active', 'role', 'creditLimit', 'seatType']);

/**
 * True when the stored emails say what the IdP's do, in the stored shape: the same elements in the same order,
 * each with the same value, the same type where the IdP names one, and the same primary flag (absent = false).
 * Object key order is not significant (RFC 8259 §4): Entra sends {primary, type, value} and Okta
 * {primary, value, type}. Sub-attributes a pull does not read are not compared: Okta's full-object PUT adds
 * `display` to each email, and a pull that dropped it would flap against every later PUT.
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
