import { hash } from 'node:crypto';
import type { RemovedMember, SnapshotMember } from '../connector/snapshot-member.js';
import type { Drift } from '../model/drift.js';
import type { Member } from '../model/member.js';
import type { Change } from '../model/plan.js';
import type { PulledState, PulledWrite } from '../store/pulled-member-repository.js';

/** An IdP statement as stored: its JSON and the hash an unchanged one is recognised by. */
export interface Statement {
  snapshot: string;
  hash: string;
}

/** The statement an IdP entry makes: its JSON, hashed. */
export function statementOf(entry: SnapshotMember | RemovedMember): Statement {
  const snapshot = JSON.stringify(entry);
  return { snapshot, hash: hash('sha1', snapshot, 'base64') };
}

/** What a plan for one IdP user comes to in the binding's records. */
export interface UserRecordInput {
  externalId: string;
  statement: Statement;
  /** The user's record before this plan, if there is one. */
  prior: PulledState | undefined;
  /** The plan's changes for the user. */
  changes: readonly Change[];
  /** The member compared, or null. */
  member: Member | null;
  /** The member was compared whole and found matching (nothing planned for it). */
  confirmable: boolean;
  binding: string;
}

/**
 * What the binding's record of a user must say after this plan, and the member to confirm as matching. A user with a
 * change planned keeps the drift it had until the change is applied (apply.ts clears it then, or records why not), so a
 * plan that is never applied leaves nothing marked as settled. The record is null when the stored one already says it.
 */
export function userRecord(input: UserRecordInput): { record: PulledWrite | null; confirm: { id: string; version: number } | null } {
  const { externalId, statement, prior, changes, member } = input;
  const skipped = skipDriftOf(changes);
  const planned = changes.some((c) => c.action !== 'skip');
  const drift = skipped ?? (planned ? priorDrift(prior) : null);
  if (planned && skipped === null && drift !== null) {
    for (const c of changes) if (c.kind === 'member' && c.action !== 'skip') c.drifted = true;
  }
  const settledVersion = settledVersionOf(changes, member);
  let record: PulledWrite | null = null;
  if (!prior) record = { externalId, statement, drift, settledVersion, replace: false };
  else if (prior.hash !== statement.hash) record = { externalId, statement, drift, settledVersion, replace: true };
  else if ((prior.drift ?? null) !== (drift?.reason ?? null) || (prior.detail ?? null) !== (drift?.detail ?? null) || prior.settledVersion !== settledVersion) {
    record = { externalId, drift, settledVersion, replace: true };
  }
  const confirm = input.confirmable && drift === null && member && member.managedBy === input.binding && member.syncedVersion !== member.version ? { id: member.id, version: member.version } : null;
  return { record, confirm };
}

/** The drift a plan's skips leave for a user: the first skip that says why, or null. */
function skipDriftOf(changes: readonly Change[]): Drift | null {
  for (const change of changes) if (change.action === 'skip' && change.drift) return { reason: change.drift, detail: change.reason ?? '' };
  return null;
}

const priorDrift = (prior: PulledState | undefined): Drift | null => (prior?.drift ? { reason: prior.drift, detail: prior.detail ?? '' } : null);

/**
 * The member version at which the store matches the user's statement: the version its planned change will give it
 * (1 for a create, the compared version plus one for any other write), or, with none planned, the version compared.
 * Null where there is no member to speak of (a removal, a refused create).
 */
function settledVersionOf(changes: readonly Change[], member: Member | null): number | null {
  const write = changes.find((c) => c.kind === 'member' && c.action !== 'skip');
  if (write) return write.action === 'remove' ? null : write.action === 'create' ? 1 : (write.version ?? member?.version ?? 0) + 1;
  return member?.version ?? null;
}
