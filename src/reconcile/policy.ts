import { MEMBER_FIELDS, type MemberFields } from '../model/member.js';
import { valueExcerpt } from '../model/value-excerpt.js';
import type { Change } from '../model/plan.js';
import type { Workspace } from '../model/workspace.js';
import { RESERVED_ROLES, V1_SEAT_TYPES, V2_ROLES, isSeatType, isV2Role } from '../model/workspace-role.js';

// The workspace's rules, between plan and apply. Pure: the caller loads the facts (seats in use) inside the same
// transaction that will apply the plan, so a verdict can't go stale before it is acted on.

export interface PolicyRefusal {
  /** 400 for a value the admin must change in the IdP; 403 for what SCIM may never do (owners). */
  status: 400 | 403;
  scimType: 'invalidValue' | 'mutability';
  detail: string;
  /** What the refusal leaves out of line: a value the workspace refuses, a seat type that is full, an owner. */
  drift: 'refused' | 'no_seat' | 'owner';
}

export interface PolicyFacts {
  /** Active members per seat type, before the plan. */
  seatsInUse: Partial<Record<string, number>>;
  /** The current state of every member that an update, deactivate, reactivate or remove targets, by id. */
  current: ReadonlyMap<string, MemberFields>;
  /** Who writes: only `cli` may change an owner. */
  actor?: string;
}

const list = (values: readonly string[]) => values.join(', ');
const refuse = (detail: string): PolicyRefusal => ({ status: 400, scimType: 'invalidValue', detail, drift: 'refused' });

/** The member fields a change sets besides `active` (an owner flag or a binding link is not a member field). */
function setsFieldsBesidesActive(change: Change): boolean {
  for (const key in change.after ?? {}) if (key !== 'active' && (MEMBER_FIELDS as readonly string[]).includes(key)) return true;
  return false;
}

/** The static rules on one member's state: versions, roles, credit limits, seat types. */
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

/** Holds a member's seat only while active, so suspending frees a seat. */
function seatOf(state: MemberFields | undefined): string | null {
  if (!state || !state.active) return null;
  return state.seatType;
}

/**
 * One verdict per change, in plan order. Seat usage is carried through the plan, so two creates that together
 * overflow a seat type refuse the second one.
 */
export function evaluatePolicy(workspace: Workspace, changes: readonly Change[], facts: PolicyFacts): (PolicyRefusal | null)[] {
  return evaluatePolicyCarrying(workspace, changes, facts).verdicts;
}

/** evaluatePolicy that also hands back the seats in use after the allowed changes, for a plan checked page by page. */
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
    // A create carries the whole new state; the others carry only the fields they change. The state is only read, so
    // a create's is used as it is: copying it cost a 44-field object per created member.
    const state: MemberFields =
      change.action === 'create' && change.after ? (change.after as unknown as MemberFields) : (Object.assign({}, current, change.after) as MemberFields);
    // Every write is checked, deactivations too: one that also sets a role or a credit limit would otherwise store it
    // unchecked, and the member could never be reactivated. A bare deactivation (or an owner flag, or a link to a
    // binding) leaves the fields as they are, valid or not.
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
