import type { Kysely } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Logger } from '../log/create-logger.js';
import type { ChangeAction } from '../model/plan.js';
import type { Database, RunResult } from '../store/database.js';
import { countPendingPlans, lastGoodCycles } from '../store/pull-status-repository.js';
import { driftCounts } from '../store/pulled-member-repository.js';
import { countFailingWebhookEndpoints } from '../store/webhook-repository.js';

/**
 * Prometheus metrics of one gateway, served at GET /metrics. Each gateway has a registry of its own (not
 * prom-client's global one), so tests and benchmarks can build several servers in one process.
 *
 * Labels take only bounded values: route templates (never raw URLs, whose ids and filters are unbounded),
 * methods, status codes, workspace and binding names from the configuration, run results and change actions.
 */
export interface Metrics {
  readonly registry: Registry;
  /** text/plain; version=0.0.4; charset=utf-8 */
  readonly contentType: string;
  /** One HTTP request answered. `route` is the route template (routeOptions.url); undefined when none matched. */
  observeRequest(route: string | undefined, method: string, status: number): void;
  /** One pull cycle ended with `result` ('failed' when it threw); `summary` counts its changes by action. */
  observeRun(workspaceId: string, binding: string, result: RunResult, summary?: Readonly<Record<ChangeAction, number>>): void;
  /** One webhook delivery attempt ended: the endpoint accepted the event (2xx) or not. */
  observeWebhookDelivery(outcome: 'delivered' | 'failed'): void;
  /** The exposition text; gauges that read the database are computed now. */
  render(): Promise<string>;
}

export interface MetricsOptions {
  db: Kysely<Database>;
  /** Workspaces reported by rosterd_pending_plans even with nothing pending (those with pull bindings). */
  workspaces?: readonly string[];
  clock?: () => Date;
  log?: Logger;
  /**
   * prom-client's process and Node.js metrics (CPU, memory, event loop lag, GC); default true. They watch the
   * process, not the server, and cannot be switched off again, so servers built in bulk (tests) leave them out.
   */
  processMetrics?: boolean;
}

/** The route label for requests no route matched: one value for every unknown path, so scanners add no series. */
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

  // The two gauges below are read from the database when scraped, so every instance sharing a database reports
  // the same truth whichever of them ran the cycle (a counter only knows what its own process did).
  const warnScrape = (metric: string, error: unknown) => options.log?.warn({ err: error, metric }, 'cannot compute a metric from the database');
  new Gauge({
    name: 'rosterd_seconds_since_last_good_cycle',
    help: 'Seconds since the binding last finished a good pull cycle (absent until its first one).',
    labelNames: ['workspace', 'binding'] as const,
    registers: [registry],
    // Every cluster worker reads the same rows: one worker's value, not their sum.
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
      // A refused run's summary is what it planned; every other run's is what it applied (a drift or a partial read too).
      if (!summary || result === 'refused' || result === 'planned') return;
      for (const [action, count] of Object.entries(summary)) {
        // Skips are changes the plan decided not to make; they are not applied.
        if (action !== 'skip' && count > 0) changes.inc({ workspace: workspaceId, binding, action }, count);
      }
    },
    observeWebhookDelivery(outcome) {
      webhookDeliveries.inc({ outcome });
    },
    render: () => registry.metrics(),
  };
}
