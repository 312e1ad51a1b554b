import { MEMBER_FIELDS, type MemberFields } from '../model/member.js';
import { valueExcerpt } from '../model/value-excerpt.js';
import type { Change } from '../model/plan.js';
import type { Workspace } from '../model/workspace.js';
import { RESERVED_ROLES, V1_SEAT_TYPES, V2_ROLES, isSeatType, isV2Role } from '../model/workspace-role.js';

// The workspace's rules, between plan and apply. Pure: the caller loads the facts inside the transaction that applies
// the plan, so a verdict cannot go stale.

export interface PolicyRefusal {
  /** 400 for a value the admin must change in the IdP; 403 for what SCIM may never do (owners). */
  status: 400 | 403;
  scimType: 'invalidValue' | 'mutability';
  detail: string;
  drift: 'refused' | 'no_seat' | 'owner';
}

export interface PolicyFacts {
  seatsInUse: Partial<Record<string, number>>;
  current: ReadonlyMap<string, MemberFields>;
  /** Only `cli` may change an owner. */
  actor?: string;
}

const list = (values: readonly string[]) => values.join(', ');
const refuse = (detail: string): PolicyRefusal => ({ status: 400, scimType: 'invalidValue', detail, drift: 'refused' });

/** Owner flags and binding links are not member fields. */
function setsFieldsBesidesActive(change: Change): boolean {
  for (const key in change.after ?? {}) if (key !== 'active' && (MEMBER_FIELDS as readonly string[]).includes(key)) return true;
  return false;
}

export function checkMemberState(workspace: Workspace, member: MemberFields): PolicyRefusal | null {
  if (workspace.version === 'v2') {
    if (member.seatType !== null) {
      return refuse(
        `seatType is a V1 attribute and workspace "${workspace.id}" is V2: remove seatType from the IdP's attribute mappings (even an empty value is refused) and send role instead`,
      );
    }
    const role = member.role;
    if (role === null) return refuse(`role is required on workspace "${workspace.id}": send one of ${list(V2_ROLES)}`);
    if ((RESERVED_ROLES as readonly string[]).includes(role.toLowerCase())) {
      return refuse(`role ${valueExcerpt(role)} cannot be assigned through SCIM: map the IdP's role to ${list(V2_ROLES)} instead`);
    }
    if (!isV2Role(role)) {
      return refuse(`role ${valueExcerpt(role)} is not a role of workspace "${workspace.id}": send ${list(V2_ROLES)}, or map ${valueExcerpt(role)} in the workspace's roleValueMap`);
    }
    const credit = member.creditLimit;
    if (credit !== null) {
      if (typeof credit !== 'number' || !Number.isInteger(credit) || credit < 0) {
        return refuse(`creditLimit must be a non-negative integer (0 or absent means no cap), got ${valueExcerpt(credit)}`);
      }
      if (credit > 0 && role === 'viewer') {
        return refuse('creditLimit applies only to admin and editor members, and this member is a viewer: change the role to editor or admin, or remove creditLimit');
      }
    }
    return null;
  }
  if (member.role !== null || member.creditLimit !== null) {
    const attribute = member.role !== null ? 'role' : 'creditLimit';
    return refuse(
      `${attribute} is a V2 attribute and workspace "${workspace.id}" is V1: remove role and creditLimit from the IdP's attribute mappings and send seatType instead`,
    );
  }
  if (member.seatType === null) {
    return refuse(`seatType is required on V1 workspace "${workspace.id}": send one of ${list(V1_SEAT_TYPES)}, or give the workspace a default seat type`);
  }
  if (!isSeatType(member.seatType)) {
    return refuse(`seatType ${valueExcerpt(member.seatType)} is not a seat type: send one of ${list(V1_SEAT_TYPES)}`);
  }
  return null;
}

export const ownerRefusal = (workspace: Workspace, change: Change): PolicyRefusal => ({
  status: 403,
  scimType: 'mutability',
  drift: 'owner',
  detail: `member "${change.key}" is an owner of workspace "${workspace.id}"; owners cannot be updated, deactivated or deleted through SCIM or a connector. Change it with rosterd's CLI: rosterd members set-owner ${workspace.id} ${change.key} --unset`,
});

const noSeat = (detail: string): PolicyRefusal => ({ ...refuse(detail), drift: 'no_seat' });

/** Only active members hold a seat, so suspending frees one. */
function seatOf(state: MemberFields | undefined): string | null {
  if (!state || !state.active) return null;
  return state.seatType;
}

/** Seat use carries through the plan, so of two creates overflowing a seat type the second is refused. */
export function evaluatePolicy(workspace: Workspace, changes: readonly Change[], facts: PolicyFacts): (PolicyRefusal | null)[] {
  return evaluatePolicyCarrying(workspace, changes, facts).verdicts;
}

export function evaluatePolicyCarrying(
  workspace: Workspace,
  changes: readonly Change[],
  facts: PolicyFacts,
): { verdicts: (PolicyRefusal | null)[]; seatsInUse: Partial<Record<string, number>> } {
  const inUse = { ...facts.seatsInUse };
  const verdicts = changes.map((change) => {
    if (change.kind !== 'member' || change.action === 'skip') return null;
    if (change.owner && change.action !== 'create' && facts.actor !== 'cli') return ownerRefusal(workspace, change);
    const current = change.action === 'create' ? undefined : facts.current.get(change.targetId);
    if (change.action === 'remove') {
      const freed = seatOf(current);
      if (freed) inUse[freed] = (inUse[freed] ?? 0) - 1;
      return null;
    }
    // Creates carry the whole state, used as is to avoid a copy per created member; others carry only changes.
    const state: MemberFields =
      change.action === 'create' && change.after ? (change.after as unknown as MemberFields) : (Object.assign({}, current, change.after) as MemberFields);
    // Check deactivations too: one that also sets a role would store it unchecked, and the member could never be
    // reactivated. A bare deactivation, owner flag or binding link leaves fields as they are.
    const checked = change.action === 'create' || change.action === 'reactivate' || setsFieldsBesidesActive(change);
    const refusal = checked ? checkMemberState(workspace, state) : null;
    if (refusal) return refusal;
    if (workspace.version !== 'v1') return null;
    const previous = seatOf(current);
    const next = seatOf(state);
    if (previous === next) return null;
    if (previous) inUse[previous] = (inUse[previous] ?? 0) - 1;
    if (next) {
      const capacity = workspace.policy.seats[next as keyof typeof workspace.policy.seats];
      const used = inUse[next] ?? 0;
      if (capacity !== undefined && used + 1 > capacity) {
        if (previous) inUse[previous] = (inUse[previous] ?? 0) + 1;
        return noSeat(
          `no ${next} seats left: workspace "${workspace.id}" has ${capacity} ${next} seat${capacity === 1 ? '' : 's'} and all are in use; free a seat, raise the ${next} capacity, or assign another seat type`,
        );
      }
      inUse[next] = used + 1;
    }
    return null;
  });
  return { verdicts, seatsInUse: inUse };
}
