import { randomUUID } from 'node:crypto';
import type { DriftReason } from './drift.js';

// A plan is plain data: what would change in one workspace and why. SCIM, pull and the CLI all apply plans.

export type ChangeAction = 'create' | 'update' | 'deactivate' | 'reactivate' | 'remove' | 'skip';
/** `group_member`: a member's link to a group (a project, in a projects workspace). */
export type ChangeKind = 'member' | 'group' | 'group_member';

export interface Change {
  action: ChangeAction;
  kind: ChangeKind;
  key: string;
  /** For creates, the new row's id. */
  targetId: string;
  /** Changed fields for updates; the whole state for creates and removals. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason?: string;
  owner?: boolean;
  /** Applying a stored plan skips targets that moved on since. */
  version?: number;
  managedBy?: string;
  /** The IdP user whose drift follows this change's fate. */
  idpUser?: string;
  /** A skip that leaves the member differing from its IdP. */
  drift?: DriftReason;
  drifted?: true;
}

export interface Plan {
  id: string;
  workspaceId: string;
  source: string;
  basis: number;
  createdAt: string;
  changes: Change[];
  summary: Record<ChangeAction, number>;
  warnings: string[];
}

const KIND_ORDER: Record<ChangeKind, number> = { group: 0, member: 1, group_member: 2 };
const ACTION_ORDER: Record<ChangeAction, number> = { remove: 0, deactivate: 1, create: 2, reactivate: 3, update: 4, skip: 5 };

/** Creates exist before group links refer to them; removals come first, freeing names and seats for creates. */
export function compareChanges(a: Change, b: Change): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
    (a.targetId < b.targetId ? -1 : a.targetId > b.targetId ? 1 : 0)
  );
}

/** U+0001 sorts before any printable; PostgreSQL text cannot hold U+0000. */
export function sortKeyOf(change: Change): string {
  return `${KIND_ORDER[change.kind]}${ACTION_ORDER[change.action]}${change.key}\u0001${change.targetId}`;
}

export const emptySummary = (): Record<ChangeAction, number> => ({ create: 0, update: 0, deactivate: 0, reactivate: 0, remove: 0, skip: 0 });

export function summarize(changes: readonly Change[]): Record<ChangeAction, number> {
  const summary = emptySummary();
  for (const change of changes) summary[change.action]++;
  return summary;
}

export interface PlanInput {
  workspaceId: string;
  source: string;
  basis: number;
  changes: Change[];
  warnings?: string[];
  now: string;
  id?: string;
}

export function buildPlan(input: PlanInput): Plan {
  const changes = [...input.changes].sort(compareChanges);
  return {
    id: input.id ?? randomUUID(),
    workspaceId: input.workspaceId,
    source: input.source,
    basis: input.basis,
    createdAt: input.now,
    changes,
    summary: summarize(changes),
    warnings: input.warnings ?? [],
  };
}
