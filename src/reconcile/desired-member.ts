import type { SnapshotMember } from '../connector/snapshot-member.js';
import { MEMBER_FIELDS, type MemberField, type MemberFields } from '../model/member.js';
import type { Workspace } from '../model/workspace.js';

/**
 * What the IdP says about one member, as member fields, for only the fields a pull manages. Fields the
 * binding does not map (a title pushed over SCIM, say) are absent, so a pull never clears what push wrote.
 * The role and seat rules are the workspace's, exactly as for a SCIM push: the workspace's role precedence
 * picks among several roles, its default role fills a missing one (V2), its default seat type a missing
 * seat (V1), and each version's attributes stay null on the other.
 */
export function desiredMemberFields(workspace: Workspace, member: SnapshotMember): Partial<MemberFields> {
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
