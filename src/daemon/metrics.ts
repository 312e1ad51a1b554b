import type { Kysely } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Logger } from '../log/create-logger.js';
import type { ChangeAction } from '../model/plan.js';
import type { Database, RunResult } from '../store/database.js';
import { countPendingPlans, lastGoodCycles } from '../store/pull-status-repository.js';
import { driftCounts } from '../store/pulled-member-repository.js';
import { countFailingWebhookEndpoints } from '../store/webhook-repository.js';

/** A registry per gateway, not prom-client's global, so one process can build several servers. Labels stay bounded. */
export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** Undefined when no route matched. */
  observeRequest(route: string | undefined, method: string, status: number): void;
  observeRun(workspaceId: string, binding: string, result: RunResult, summary?: Readonly<Record<ChangeAction, number>>): void;
  observeWebhookDelivery(outcome: 'delivered' | 'failed'): void;
  render(): Promise<string>;
}

export interface MetricsOptions {
  db: Kysely<Database>;
  workspaces?: readonly string[];
  clock?: () => Date;
  log?: Logger;
  /** Process-wide and irreversible, so servers built in bulk (tests) leave them out. */
  processMetrics?: boolean;
}

/** One value for every unknown path, so scanners add no series. */
export const UNMATCHED_ROUTE = 'unmatched';

export function createMetrics(options: MetricsOptions): Metrics {
  const { db } = options;
  const clock = options.clock ?? (() => new Date());
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const scimRequests = new Counter({
    name: 'rosterd_scim_requests_total',
    help: 'HTTP requests answered, by route template, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const runs = new Counter({
    name: 'rosterd_runs_total',
    help: 'Scheduled pull cycles, by workspace, binding and result (applied, no_changes, drift, refused, failed, stale, aborted).',
    labelNames: ['workspace', 'binding', 'result'] as const,
    registers: [registry],
  });
  const changes = new Counter({
    name: 'rosterd_changes_total',
    help: 'Changes applied by scheduled pull cycles, by workspace, binding and action.',
    labelNames: ['workspace', 'binding', 'action'] as const,
    registers: [registry],
  });

  // Read from the database at scrape time, so every instance sharing it reports the same truth.
  const warnScrape = (metric: string, error: unknown) => options.log?.warn({ err: error, metric }, 'cannot compute a metric from the database');
  new Gauge({
    name: 'rosterd_seconds_since_last_good_cycle',
    help: 'Seconds since the binding last finished a good pull cycle (absent until its first one).',
    labelNames: ['workspace', 'binding'] as const,
    registers: [registry],
    // Every cluster worker reads the same rows: take one, not the sum.
    aggregator: 'first',
    async collect() {
      this.reset();
      try {
        const now = clock().getTime();
        for (const row of await lastGoodCycles(db)) {
          const at = Date.parse(row.lastGoodAt);
          if (Number.isFinite(at)) this.set({ workspace: row.workspaceId, binding: row.binding }, Math.max(0, (now - at) / 1000));
        }
      } catch (error) {
        warnScrape('rosterd_seconds_since_last_good_cycle', error);
      }
    },
  });
  new Gauge({
    name: 'rosterd_pending_plans',
    help: 'Plans over a deletion budget waiting for approval (rosterd plan approve), by workspace.',
    labelNames: ['workspace'] as const,
    registers: [registry],
    aggregator: 'first',
    async collect() {
      this.reset();
      try {
        const counts = await countPendingPlans(db);
        for (const workspace of options.workspaces ?? []) this.set({ workspace }, 0);
        for (const { workspaceId, pending } of counts) this.set({ workspace: workspaceId }, pending);
      } catch (error) {
        warnScrape('rosterd_pending_plans', error);
      }
    },
  });

  new Gauge({
    name: 'rosterd_drift_members',
    help: 'Members that differ from what their binding\'s IdP last said, by workspace, binding and reason (refused, no_seat, owner, conflict, set_aside, removed_elsewhere, changed_elsewhere).',
    labelNames: ['workspace', 'binding', 'reason'] as const,
    registers: [registry],
    aggregator: 'first',
    async collect() {
      this.reset();
      try {
        for (const row of await driftCounts(db)) this.set({ workspace: row.workspaceId, binding: row.binding, reason: row.reason }, row.members);
      } catch (error) {
        warnScrape('rosterd_drift_members', error);
      }
    },
  });

  const webhookDeliveries = new Counter({
    name: 'rosterd_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by outcome (delivered: a 2xx answer; failed: anything else, retried later).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'rosterd_webhook_failing_endpoints',
    help: 'Webhook endpoints whose retries ran out; they wait for rosterd webhook enable.',
    registers: [registry],
    aggregator: 'first',
    async collect() {
      try {
        this.set(await countFailingWebhookEndpoints(db));
      } catch (error) {
        warnScrape('rosterd_webhook_failing_endpoints', error);
      }
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    observeRequest(route, method, status) {
      scimRequests.inc({ route: route ?? UNMATCHED_ROUTE, method, status: String(status) });
    },
    observeRun(workspaceId, binding, result, summary) {
      runs.inc({ workspace: workspaceId, binding, result });
      // A refused or planned run's summary is what it planned, not applied.
      if (!summary || result === 'refused' || result === 'planned') return;
      for (const [action, count] of Object.entries(summary)) {
        if (action !== 'skip' && count > 0) changes.inc({ workspace: workspaceId, binding, action }, count);
      }
    },
    observeWebhookDelivery(outcome) {
      webhookDeliveries.inc({ outcome });
    },
    render: () => registry.metrics(),
  };
}
