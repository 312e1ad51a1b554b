import { hash } from 'node:crypto';
import type { RemovedMember, SnapshotMember } from '../connector/snapshot-member.js';
import type { Drift } from '../model/drift.js';
import type { Member } from '../model/member.js';
import type { Change } from '../model/plan.js';
import type { PulledState, PulledWrite } from '../store/pulled-member-repository.js';

/** JSON and its hash, to recognise it unchanged. */
export interface Statement {
  snapshot: string;
  hash: string;
}

export function statementOf(entry: SnapshotMember | RemovedMember): Statement {
  const snapshot = JSON.stringify(entry);
  return { snapshot, hash: hash('sha1', snapshot, 'base64') };
}

export interface UserRecordInput {
  externalId: string;
  statement: Statement;
  prior: PulledState | undefined;
  changes: readonly Change[];
  member: Member | null;
  /** The member was compared whole and found matching. */
  confirmable: boolean;
  binding: string;
}

/**
 * A user with a planned change keeps its drift until the change applies (apply.ts clears it), so an unapplied plan
 * marks nothing settled. `record` is null when the stored one already says it.
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

function skipDriftOf(changes: readonly Change[]): Drift | null {
  for (const change of changes) if (change.action === 'skip' && change.drift) return { reason: change.drift, detail: change.reason ?? '' };
  return null;
}

const priorDrift = (prior: PulledState | undefined): Drift | null => (prior?.drift ? { reason: prior.drift, detail: prior.detail ?? '' } : null);

/** Null without a member (removal, refused create). */
function settledVersionOf(changes: readonly Change[], member: Member | null): number | null {
  const write = changes.find((c) => c.kind === 'member' && c.action !== 'skip');
  if (write) return write.action === 'remove' ? null : write.action === 'create' ? 1 : (write.version ?? member?.version ?? 0) + 1;
  return member?.version ?? null;
}
