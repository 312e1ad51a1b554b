import type { Kysely } from 'kysely';
import { bindingName, type ConnectorBinding } from '../config/config-schema.js';
import type { DriftReason } from '../model/drift.js';
import type { Database } from '../store/database.js';
import { bindingStatuses, type BindingStatus } from '../store/pull-status-repository.js';
import { driftList } from '../store/pulled-member-repository.js';
import { listWebhookEndpoints, type WebhookEndpoint } from '../store/webhook-repository.js';

type Db = Kysely<Database>;

/** One workspace's state for `rosterd status` and the console. Read-only, every read bounded. */
export interface WorkspaceHealth {
  workspaceId: string;
  /** Including configured bindings that never ran. */
  bindings: BindingHealth[];
  /** At most `driftListed`. */
  drift: DriftedMember[];
  driftTotal: number;
  /** At most one per binding. */
  pendingPlans: string[];
  /** Its own and every-workspace endpoints. */
  webhooks: WebhookEndpoint[];
  /** Failing or disabled. */
  stoppedWebhooks: WebhookEndpoint[];
  memberCount: number;
  /** Looked for among the latest SCIM_PUSH_WINDOW log entries. */
  lastScimPush: { at: string; actor: string; operation: string; result: string } | null;
}

export interface BindingHealth extends BindingStatus {
  /** The lag promised to customers; null before any good cycle. */
  secondsSinceLastGood: number | null;
  driftTotal: number;
}

export interface DriftedMember {
  binding: string;
  externalId: string;
  reason: DriftReason;
  detail: string | null;
}

/** So a pull-only workspace's log is not read to its start on every view. */
export const SCIM_PUSH_WINDOW = 10_000;

export interface WorkspaceHealthOptions {
  connectors: readonly Pick<ConnectorBinding, 'workspace' | 'name' | 'kind'>[];
  driftListed: number;
  now: Date;
}

export async function workspaceHealth(db: Db, workspaceId: string, options: WorkspaceHealthOptions): Promise<WorkspaceHealth> {
  const configured = options.connectors.filter((b) => b.workspace === workspaceId).map(bindingName);
  const [statuses, drift, webhooks, memberCount, lastScimPush] = await Promise.all([
    bindingStatuses(db, workspaceId),
    driftList(db, workspaceId, options.driftListed),
    listWebhookEndpoints(db, workspaceId),
    countMembers(db, workspaceId),
    lastScimPushOf(db, workspaceId),
  ]);
  for (const name of configured) if (!statuses.some((s) => s.binding === name)) statuses.push(...(await bindingStatuses(db, workspaceId, [name])));
  const bindings = statuses.map((s) => ({
    ...s,
    secondsSinceLastGood: s.lastGoodAt === null ? null : secondsBetween(s.lastGoodAt, options.now),
    driftTotal: Object.values(s.drift).reduce((a, b) => a + (b ?? 0), 0),
  }));
  return {
    workspaceId,
    bindings,
    drift,
    driftTotal: bindings.reduce((a, b) => a + b.driftTotal, 0),
    pendingPlans: bindings.flatMap((b) => (b.pendingPlan ? [b.pendingPlan] : [])),
    webhooks,
    stoppedWebhooks: webhooks.filter((e) => e.status !== 'active'),
    memberCount,
    lastScimPush,
  };
}

/** Never negative: two instances' clocks may disagree a little. */
export const secondsBetween = (at: string, now: Date): number => Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1000));

async function countMembers(db: Db, workspaceId: string): Promise<number> {
  const row = await db.selectFrom('membership').select((eb) => eb.fn.countAll<number | string>().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function lastScimPushOf(db: Db, workspaceId: string): Promise<WorkspaceHealth['lastScimPush']> {
  const recent = db
    .selectFrom('provisioning_log')
    .select(['id', 'at', 'actor', 'operation', 'result'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('at', 'desc')
    .limit(SCIM_PUSH_WINDOW)
    .as('recent');
  const row = await db.selectFrom(recent).selectAll().where('actor', 'like', 'key:%').orderBy('at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? { at: row.at, actor: row.actor, operation: row.operation, result: row.result } : null;
}
