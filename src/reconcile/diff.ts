import type { RemovedMember, SnapshotMember } from '../connector/snapshot-member.js';
import type { Member } from '../model/member.js';
import { buildPlan, type Plan } from '../model/plan.js';
import { Differ, type DiffOptions } from './differ.js';

export interface DiffInput {
  /** A full read (members) or an incremental one (members and removals). */
  snapshot: { entries: readonly (SnapshotMember | RemovedMember)[]; complete: boolean; full: boolean; problems?: readonly string[] };
  /** The workspace's members (only those the diff may look at need be here: matches and the binding's own). */
  store: { members: readonly Member[]; groupsOf: ReadonlyMap<string, ReadonlySet<string>> };
  plan: { workspaceId: string; source: string; basis: number; now: string; id?: string };
}

/**
 * The whole pull diff in one call, pure: snapshot and store in, a stably sorted plan out. The reconciler streams the
 * same Differ page by page instead; this form is for small inputs and for tests.
 */
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

/** The plan's warning for an incomplete read: nobody is deactivated or removed on the strength of it. */
export function deprovisionWarnings(snapshot: { complete: boolean; problems?: readonly string[] }): string[] {
  if (snapshot.complete) return [];
  const why = snapshot.problems?.length ? `: ${snapshot.problems.join('; ')}` : '';
  return [`the IdP read was incomplete${why}; no member is deactivated or removed in this plan`];
}

/** A member deactivated or removed, or a group removed: what an incomplete read must never do. */
export function isDeprovision(change: { kind: string; action: string }): boolean {
  return change.kind !== 'membership' && (change.action === 'deactivate' || change.action === 'remove');
}

/** An incomplete read deprovisions nobody, not even members an incremental read reported gone. */
export function withoutDeprovisions<T extends { kind: string; action: string }>(changes: T[]): T[] {
  return changes.filter((c) => !isDeprovision(c));
}
