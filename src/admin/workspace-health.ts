import type { Kysely } from 'kysely';
import { bindingName, type ConnectorBinding } from '../config/config-schema.js';
import type { DriftReason } from '../model/drift.js';
import type { Database } from '../store/database.js';
import { bindingStatuses, type BindingStatus } from '../store/pull-status-repository.js';
import { driftList } from '../store/pulled-member-repository.js';
import { listWebhookEndpoints, type WebhookEndpoint } from '../store/webhook-repository.js';

type Db = Kysely<Database>;

/**
 * How one workspace is doing, as `rosterd status` and the console show it: each pull binding (its cycles, a plan
 * waiting for approval, the members in drift by reason), the members in drift by name, the webhook endpoints that
 * receive its events, and at a glance its member count and the last SCIM push. Reads only; every read is bounded.
 */
export interface WorkspaceHealth {
  workspaceId: string;
  /** Every binding the store knows of, and the configured ones that never ran. */
  bindings: BindingHealth[];
  /** The first `driftListed` members in drift, by binding and externalId. */
  drift: DriftedMember[];
  /** Members in drift across the bindings. */
  driftTotal: number;
  /** Ids of the plans waiting for approval (one per binding at most). */
  pendingPlans: string[];
  /** The endpoints that receive the workspace's events: its own and every-workspace ones. */
  webhooks: WebhookEndpoint[];
  /** Of those, the ones not delivering (failing or disabled). */
  stoppedWebhooks: WebhookEndpoint[];
  memberCount: number;
  /** The newest provisioning-log entry a SCIM request wrote, among the latest SCIM_PUSH_WINDOW entries. */
  lastScimPush: { at: string; actor: string; operation: string; result: string } | null;
}

export interface BindingHealth extends BindingStatus {
  /** Seconds since the binding's last good cycle (the lag promised to customers); null when it never had one. */
  secondsSinceLastGood: number | null;
  driftTotal: number;
}

export interface DriftedMember {
  binding: string;
  externalId: string;
  reason: DriftReason;
  detail: string | null;
}

/** How far back the last SCIM push is looked for: a pull-only workspace's log is not read to its start on every view. */
export const SCIM_PUSH_WINDOW = 10_000;

export interface WorkspaceHealthOptions {
  /** The configured pull bindings (config `connectors`); those of other workspaces are ignored. */
  connectors: readonly Pick<ConnectorBinding, 'workspace' | 'name' | 'kind'>[];
  /** Members in drift listed by name, at most. */
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

/** Whole seconds from `at` to `now`, never negative (clocks of two instances may disagree a little). */
export const secondsBetween = (at: string, now: Date): number => Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1000));

async function countMembers(db: Db, workspaceId: string): Promise<number> {
  const row = await db.selectFrom('membership').select((eb) => eb.fn.countAll<number | string>().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** SCIM requests log as `key:<api key id>`; pulls as `connector:<binding>`, the CLI as `cli`. */
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
