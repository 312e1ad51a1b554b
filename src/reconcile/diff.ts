import type { RemovedMember, SnapshotMember } from '../connector/snapshot-member.js';
import type { Member } from '../model/member.js';
import { buildPlan, type Plan } from '../model/plan.js';
import { Differ, type DiffOptions } from './differ.js';

export interface DiffInput {
  snapshot: { entries: readonly (SnapshotMember | RemovedMember)[]; complete: boolean; full: boolean; problems?: readonly string[] };
  /** Only members the diff may look at are needed: matches and the binding's own. */
  store: { members: readonly Member[]; groupsOf: ReadonlyMap<string, ReadonlySet<string>> };
  plan: { workspaceId: string; source: string; basis: number; now: string; id?: string };
}

/** The whole pull diff in one pure call, for small inputs and tests; the reconciler streams a Differ instead. */
export function diff(input: DiffInput, options: DiffOptions): Plan {
  const differ = new Differ(options);
  const changes = differ.page(input.snapshot.entries, input.store).changes;
  const warnings = deprovisionWarnings(input.snapshot);
  const { complete } = input.snapshot;
  if (input.snapshot.full && complete) {
    changes.push(...differ.sweep(input.store.members.filter((m) => m.managedBy === options.binding)).changes);
    changes.push(...differ.sweepGroups());
  }
  changes.push(...differ.finish(complete).changes);
  return buildPlan({ ...input.plan, changes: complete ? changes : withoutDeprovisions(changes), warnings });
}

export function deprovisionWarnings(snapshot: { complete: boolean; problems?: readonly string[] }): string[] {
  if (snapshot.complete) return [];
  const why = snapshot.problems?.length ? `: ${snapshot.problems.join('; ')}` : '';
  return [`the IdP read was incomplete${why}; no member is deactivated or removed in this plan`];
}

/** What an incomplete read must never do. */
export function isDeprovision(change: { kind: string; action: string }): boolean {
  return change.kind !== 'group_member' && (change.action === 'deactivate' || change.action === 'remove');
}

/** Even members an incremental read reported gone. */
export function withoutDeprovisions<T extends { kind: string; action: string }>(changes: T[]): T[] {
  return changes.filter((c) => !isDeprovision(c));
}
