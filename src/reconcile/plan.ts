import { randomUUID } from 'node:crypto';

/**
 * A plan is plain data: what would change in one workspace and why. SCIM requests and pull cycles both
 * produce plans; both go through the same policy check and the same apply.
 */
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
const ACTION_ORDER: Record<ChangeAction, number> = { create: 0, reactivate: 1, update: 2, deactivate: 3, remove: 4, skip: 5 };

/**
 * Stable order: groups, then members, then group memberships (so creates exist before memberships refer to
 * them); within a kind by action, then key. The same input always renders the same plan.
 */
export function compareChanges(a: Change, b: Change): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
    (a.targetId < b.targetId ? -1 : a.targetId > b.targetId ? 1 : 0)
  );
}

export function summarize(changes: readonly Change[]): Record<ChangeAction, number> {
  const summary: Record<ChangeAction, number> = { create: 0, update: 0, deactivate: 0, reactivate: 0, remove: 0, skip: 0 };
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
