import { randomUUID } from 'node:crypto';
import type { DriftReason } from './drift.js';

// A plan is plain data: what would change in one workspace and why. SCIM requests, pull cycles and the CLI all produce
// plans; all go through the same policy check and the same apply.

export type ChangeAction = 'create' | 'update' | 'deactivate' | 'reactivate' | 'remove' | 'skip';
export type ChangeKind = 'member' | 'group' | 'membership';

export interface Change {
  action: ChangeAction;
  kind: ChangeKind;
  /** Human-stable identity used for sorting and display: userName / externalId, group displayName, "group ← member". */
  key: string;
  /** Store id of the target; for creates, the id the new row will get. */
  targetId: string;
  /** Changed fields only for updates; the whole state for creates (after) and removals (before). */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason?: string;
  /** The target is a workspace owner: the policy refuses any SCIM or connector change to it. */
  owner?: boolean;
  /**
   * The target's version when the change was planned (pull plans). Applying a stored plan skips a change whose
   * target moved on since (a SCIM push in between); the next cycle plans it afresh.
   */
  version?: number;
  /** Pull plans: the binding that manages the target after this change (creates, adoptions). */
  managedBy?: string;
  /** Pull plans: the IdP user (externalId) whose statement the change carries out; that user's drift follows its fate. */
  idpUser?: string;
  /** A skip that leaves the member differing from its IdP: why (a skip without it changes nothing that matters). */
  drift?: DriftReason;
  /** Pull plans: the IdP user's record says the member is out of line; once this change is applied, it no longer is. */
  drifted?: true;
}

export interface Plan {
  id: string;
  workspaceId: string;
  /** `key:<id>` for SCIM push, `connector:<name>` for pull. */
  source: string;
  /** The workspace revision the plan was computed against. */
  basis: number;
  createdAt: string;
  changes: Change[];
  summary: Record<ChangeAction, number>;
  warnings: string[];
}

const KIND_ORDER: Record<ChangeKind, number> = { group: 0, member: 1, membership: 2 };
const ACTION_ORDER: Record<ChangeAction, number> = { remove: 0, deactivate: 1, create: 2, reactivate: 3, update: 4, skip: 5 };

/**
 * Stable order: groups, then members, then group memberships (so creates exist before memberships refer to
 * them); within a kind removals and deactivations first, so that the userNames, display names and seats they free
 * are free for the creates and updates after them; then by key. The same input always renders the same plan.
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
 * compareChanges as one string, for plans stored a change per row and read back in order by the database:
 * kind and action as digits, then key and target id separated by U+0001 (it sorts before any printable character; PostgreSQL text
 * cannot hold U+0000).
 * Strings compare by code point there and by UTF-16 unit here; the two differ only for keys mixing characters
 * above U+FFFF with U+E000–U+FFFF, where the order stays stable, just not identical to an in-memory sort.
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
