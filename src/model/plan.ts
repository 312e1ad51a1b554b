import { randomUUID } from 'node:crypto';
import type { DriftReason } from './drift.js';

// A plan is plain data: what would change in one workspace and why. SCIM, pull cycles and the CLI all produce plans,
// checked and applied the same way.

export type ChangeAction = 'create' | 'update' | 'deactivate' | 'reactivate' | 'remove' | 'skip';
export type ChangeKind = 'member' | 'group' | 'membership';

export interface Change {
  action: ChangeAction;
  kind: ChangeKind;
  /** Stable identity for sorting and display. */
  key: string;
  /** For creates, the id the new row will get. */
  targetId: string;
  /** Changed fields for updates; the whole state for creates (after) and removals (before). */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason?: string;
  owner?: boolean;
  /** Pull plans: target's version when planned; applying a stored plan skips targets that moved on since. */
  version?: number;
  managedBy?: string;
  /** Pull plans: the IdP user whose statement the change carries out; its drift follows the change's fate. */
  idpUser?: string;
  /** Set on a skip that leaves the member differing from its IdP. */
  drift?: DriftReason;
  /** Pull plans: once applied, the member no longer drifts. */
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

const KIND_ORDER: Record<ChangeKind, number> = { group: 0, member: 1, membership: 2 };
const ACTION_ORDER: Record<ChangeAction, number> = { remove: 0, deactivate: 1, create: 2, reactivate: 3, update: 4, skip: 5 };

/**
 * Groups, then members, then memberships, so creates exist before memberships refer to them; removals and
 * deactivations first within a kind, so the names and seats they free are free for later creates.
 */
export function compareChanges(a: Change, b: Change): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
    (a.targetId < b.targetId ? -1 : a.targetId > b.targetId ? 1 : 0)
  );
}

/**
 * compareChanges as one string for database ordering. U+0001 separates key and id: it sorts before any printable
 * character, and PostgreSQL text cannot hold U+0000.
 */
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
