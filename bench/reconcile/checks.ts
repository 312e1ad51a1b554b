import { sql } from 'kysely';
import type { ReconcileOutcome } from '../../src/reconcile/reconcile-request.js';
import type { Store } from '../../src/store/store.js';
import { CHANGED_DEPARTMENT, expectedRole, planUser, userId, type ChangePlan, type Plan } from '../connector/plan.js';

/**
 * What the store must hold after each cycle of the reconcile benchmark, checked against the connector
 * benchmark's plan (connector/plan.ts): every assigned user a member with its role, the assigned groups and
 * their memberships; after the incremental cycle exactly the planned updates and deactivations.
 */
export interface StoreCounts {
  members: number;
  active: number;
  /** Members per role. */
  roles: Record<string, number>;
  groups: number;
  groupMembers: number;
  /** Rows in plan_change (every plan of the workspace) and provisioning_log. */
  planChanges: number;
  logEntries: number;
  /** Size of the database (SQLite: pages in use; PostgreSQL: the schema's tables with indexes and TOAST). */
  bytes: number;
}

const count = (n: unknown) => Number(n ?? 0);

export async function storeCounts(store: Store, workspaceId: string): Promise<StoreCounts> {
  const { db } = store;
  const members = await db
    .selectFrom('membership')
    .select((eb) => ['role', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('active').as('active')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('role')
    .execute();
  const roles: Record<string, number> = {};
  for (const row of members) roles[row.role ?? 'null'] = count(row.n);
  const one = async (table: 'scim_group' | 'group_member' | 'provisioning_log') =>
    count((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow()).n);
  const planChanges = count((await db.selectFrom('plan_change').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const bytes =
    store.dialect.name === 'sqlite'
      ? (await sql<{ bytes: number }>`select page_count * page_size as bytes from pragma_page_count(), pragma_page_size()`.execute(db)).rows[0]?.bytes
      : (await sql<{ bytes: number }>`select sum(pg_total_relation_size(c.oid)) as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relkind = 'r'`.execute(db)).rows[0]?.bytes;
  return {
    members: members.reduce((sum, row) => sum + count(row.n), 0),
    active: members.reduce((sum, row) => sum + count(row.active), 0),
    roles,
    groups: await one('scim_group'),
    groupMembers: await one('group_member'),
    planChanges,
    logEntries: await one('provisioning_log'),
    bytes: count(bytes),
  };
}

/** Roles the plan's assigned users resolve to, counted. */
export function expectedRoles(plan: Plan): Record<string, number> {
  const roles: Record<string, number> = {};
  for (let i = 0; i < plan.members; i++) {
    const role = expectedRole(planUser(plan, i));
    roles[role] = (roles[role] ?? 0) + 1;
  }
  return roles;
}

/** A full reconcile from an empty store: every assigned user created, with its role, groups and memberships. */
export function checkFull(plan: Plan, outcome: ReconcileOutcome, counts: StoreCounts): string[] {
  const problems: string[] = [];
  if (outcome.result !== 'applied') problems.push(`result ${outcome.result}, expected applied: ${outcome.message}`);
  if (!outcome.complete) problems.push('the read was not complete');
  if (outcome.membersRead !== plan.members) problems.push(`${outcome.membersRead} members read, expected ${plan.members}`);
  const creates = plan.members + plan.groups + plan.groupOnly + plan.both;
  if (outcome.summary.create !== creates) problems.push(`summary.create ${outcome.summary.create}, expected ${creates} (members + groups + memberships)`);
  if (outcome.summary.skip > 0) problems.push(`${outcome.summary.skip} skips`);
  if (counts.members !== plan.members || counts.active !== plan.members) problems.push(`the store holds ${counts.members} members (${counts.active} active), expected ${plan.members}`);
  const roles = expectedRoles(plan);
  if (JSON.stringify(sorted(counts.roles)) !== JSON.stringify(sorted(roles))) problems.push(`roles ${JSON.stringify(sorted(counts.roles))}, expected ${JSON.stringify(sorted(roles))}`);
  if (counts.groups !== plan.groups) problems.push(`${counts.groups} groups, expected ${plan.groups}`);
  if (counts.groupMembers !== plan.groupOnly + plan.both) problems.push(`${counts.groupMembers} group memberships, expected ${plan.groupOnly + plan.both}`);
  return problems;
}

/** The incremental cycle after `planned`: the updated users carry the new department, the removed ones are inactive. */
export async function checkIncremental(store: Store, workspaceId: string, plan: Plan, planned: ChangePlan, outcome: ReconcileOutcome): Promise<string[]> {
  const problems: string[] = [];
  const removed = [...planned.unassigned, ...planned.deleted];
  if (outcome.result !== 'applied') problems.push(`result ${outcome.result}, expected applied: ${outcome.message}`);
  if (!outcome.complete) problems.push('the read was not complete');
  if (outcome.summary.update !== planned.updated.length) problems.push(`summary.update ${outcome.summary.update}, expected ${planned.updated.length}`);
  if (outcome.summary.deactivate !== removed.length) problems.push(`summary.deactivate ${outcome.summary.deactivate}, expected ${removed.length}`);
  const ids = (indexes: number[]) => indexes.map((i) => userId('entra', i));
  const updated = await store.db
    .selectFrom('membership')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('external_id', 'in', ids(planned.updated))
    .where('department', '=', CHANGED_DEPARTMENT)
    .executeTakeFirstOrThrow();
  if (count(updated.n) !== planned.updated.length) problems.push(`${count(updated.n)} of ${planned.updated.length} updated members carry the new department`);
  const inactive = await store.db
    .selectFrom('membership')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('external_id', 'in', ids(removed))
    .where('active', '=', 0)
    .executeTakeFirstOrThrow();
  if (count(inactive.n) !== removed.length) problems.push(`${count(inactive.n)} of ${removed.length} unassigned or deleted members are inactive`);
  const counts = await storeCounts(store, workspaceId);
  if (counts.members !== plan.members || counts.active !== plan.members - removed.length) {
    problems.push(`the store holds ${counts.members} members (${counts.active} active), expected ${plan.members} (${plan.members - removed.length} active)`);
  }
  return problems;
}

/** A second full cycle after the incremental one has nothing to do. */
export function checkNoChange(plan: Plan, planned: ChangePlan, outcome: ReconcileOutcome): string[] {
  const problems: string[] = [];
  const members = plan.members - planned.unassigned.length - planned.deleted.length;
  if (outcome.result !== 'no_changes') problems.push(`result ${outcome.result}, expected no_changes: ${outcome.message}`);
  if (outcome.membersRead !== members) problems.push(`${outcome.membersRead} members read, expected ${members}`);
  return problems;
}

/**
 * An incremental cycle with nothing changed in the IdP: nothing read, nothing applied, and exactly `replanned` users
 * planned again from the binding's records by the drift check.
 */
export function checkQuiet(outcome: ReconcileOutcome, replanned: number): string[] {
  const problems: string[] = [];
  if (outcome.result !== 'no_changes') problems.push(`result ${outcome.result}, expected no_changes: ${outcome.message}`);
  if (outcome.mode !== 'incremental') problems.push(`mode ${outcome.mode}, expected incremental`);
  if (outcome.membersRead !== 0) problems.push(`${outcome.membersRead} members read, expected none`);
  if (outcome.driftCheck?.members !== replanned) problems.push(`the drift check planned ${outcome.driftCheck?.members ?? 'no'} users again, expected ${replanned}`);
  return problems;
}

/**
 * Drift without an IdP change: `written` of the binding's members get a new version, as a SCIM push that rewrites a
 * field with the value it has would leave them, and the records of `refused` other users say the policy refused them.
 */
export async function writeElsewhere(store: Store, workspaceId: string, written: number, refused: number): Promise<void> {
  const { db } = store;
  const ids = (await db.selectFrom('membership').select('id').where('workspace_id', '=', workspaceId).where('active', '=', 1).orderBy('id').limit(written + refused).execute()).map((r) => r.id);
  const write = ids.slice(0, written);
  for (let i = 0; i < write.length; i += 500) {
    await db.updateTable('membership').set((eb) => ({ version: eb('version', '+', 1), last_source: 'key:bench' })).where('workspace_id', '=', workspaceId).where('id', 'in', write.slice(i, i + 500)).execute();
  }
  const externalIds = (await db.selectFrom('membership').select('external_id').where('id', 'in', ids.slice(written)).execute()).map((r) => r.external_id!);
  if (externalIds.length) {
    await db
      .updateTable('pulled_member')
      .set({ drift: 'refused', drift_detail: 'refused by the workspace policy (benchmark)' })
      .where('workspace_id', '=', workspaceId)
      .where('external_id', 'in', externalIds)
      .execute();
  }
}

function sorted(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
