import type { FastifyInstance } from 'fastify';
import { bindingName, DEFAULT_DATABASE, type Config } from '../config/config-schema.js';
import { assertConfiguredWorkspacesExist } from '../admin/configured-workspaces.js';
import { assertSecretsResolved } from '../config/binding-secrets.js';
import { connectorDefinition } from '../connector/connector-kinds.js';
import { RosterdError } from '../error/rosterd-error.js';
import type { EventBus } from '../events/event-bus.js';
import { startEventPruning } from '../events/event-pruner.js';
import { createLogger, type Logger } from '../log/create-logger.js';
import { createDb, type Store } from '../store/create-db.js';
import { migrateToLatest } from '../store/migrate.js';
import { bootstrapWorkspace } from '../admin/bootstrap.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-request.js';
import { reconcileScheduled, type ReconcilerDeps } from '../reconcile/reconciler.js';
import { DEFAULT_FULL_SCHEDULE, parseFullSchedule } from '../config/full-schedule.js';
import { startWebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { webhookSettings } from '../webhooks/webhook-settings.js';
import { buildServer } from './build-server.js';
import { newHolderId } from './lease.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { RetryPolicy } from './retry-backoff.js';
import { createScheduler, type RunCycle, type ScheduledBinding, type Scheduler, type SchedulerEvent, type StopOptions } from './scheduler.js';

export interface Gateway {
  app: FastifyInstance;
  store: Store;
  log: Logger;
  metrics: Metrics;
  /** The pull schedules; null when no connector is configured. */
  scheduler: Scheduler | null;
  /** The address it listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  bootstrap: { workspaceId: string; token: string } | null;
  /**
   * Stop taking new work (the HTTP server closes, cron stops ticking), let a running pull cycle finish or abort it
   * after `graceMs`, then close the database. Rejects when something did not stop: a cycle that ignored its abort.
   */
  close(options?: StopOptions): Promise<void>;
}

export interface GatewayOptions {
  /**
   * Migrate and bootstrap before serving (default true). A cluster worker passes false: its primary did both
   * once, before forking.
   */
  prepare?: boolean;
  /** Run the connectors' pull schedules here (default true); in a cluster only the first worker does. */
  schedules?: boolean;
  /**
   * Called once with the gateway's metrics; returns how /metrics renders. A cluster worker's renderer asks its
   * primary for every worker's metrics added up.
   */
  metricsRenderer?: (metrics: Metrics) => () => Promise<string>;
  /** A cluster worker passes its relay: event commits of the other workers wake this one's waiters. */
  relayEvents?: (bus: EventBus) => () => void;
  /** The pull cycle the schedules run; the reconciler unless a test passes its own. */
  runCycle?: RunCycle;
  /** Overrides `daemon.leaseTtlSeconds`. */
  leaseTtlMs?: number;
  retry?: RetryPolicy;
  clock?: () => Date;
}

/**
 * Bring the database to the latest schema, check that every workspace the configuration names exists and, on first
 * start, create the demo workspace and its key.
 */
export async function prepareStore(store: Store, config: Readonly<Config>, log: Logger): Promise<Gateway['bootstrap']> {
  const applied = await migrateToLatest(store);
  if (applied.length) log.info({ migrations: applied }, 'database migrated');
  // The daemon runs every binding: each must name a workspace that exists and have its secrets.
  for (const binding of config.connectors) assertSecretsResolved(binding);
  await assertConfiguredWorkspacesExist(config, store.db);
  return bootstrapWorkspace(store.db, config.bootstrap.workspace, new Date().toISOString());
}

/** Open the database, migrate, bootstrap on first start, listen, and run the connectors' pull schedules. */
export async function startGateway(config: Readonly<Config>, log: Logger = createLogger({ level: config.log.level }), options: GatewayOptions = {}): Promise<Gateway> {
  const store = await createDb(config.database, { heavyReadTimeoutMs: config.scim.budgets.queryTimeoutMs, backgroundCheckpoints: true, eventLog: config.events.enabled, createDirectory: config.database === DEFAULT_DATABASE });
  try {
    const bootstrap = (options.prepare ?? true) ? await prepareStore(store, config, log) : null;
    const clock = options.clock;
    const configured = scheduledBindings(config);
    const bindings = (options.schedules ?? true) ? configured : [];
    // The connectors' SDKs are loaded now, before serving, not by the first cycle: okta-sdk-nodejs evaluates about
    // 2,000 CommonJS modules synchronously, which blocked the event loop for seconds, stalling SCIM requests and
    // the schedule lease's renewals (long enough, with a short lease, for another instance to take it over).
    if (bindings.length) await Promise.all([...new Set(config.connectors.map((binding) => binding.kind))].map((kind) => connectorDefinition(kind)));
    const base = createMetrics({ db: store.db, workspaces: [...new Set(configured.map((b) => b.workspaceId))], log, ...(clock ? { clock } : {}) });
    const metrics: Metrics = options.metricsRenderer ? { ...base, render: options.metricsRenderer(base) } : base;
    const app = await buildServer({ store, config, log, metrics, ...(clock ? { clock } : {}) });
    try {
      await app.listen({ host: config.server.host, port: config.server.port });
    } catch (error) {
      await app.close();
      throw new RosterdError('ROSTERD_E_LISTEN', `cannot listen on ${config.server.host}:${config.server.port}: ${(error as Error).message}`);
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    log.info({ database: store.description, port }, 'rosterd is listening');

    // Long polls and webhook deliveries wake for the event commits of other processes too.
    const stopListening = store.listenForEvents?.((error) => log.warn({ err: error }, 'lost the connection that listens for events; connecting again'));
    const stopRelay = options.relayEvents?.(store.events);
    const stopPruning = config.events.enabled ? startEventPruning({ store, retentionDays: config.events.retentionDays, log, ...(clock ? { clock } : {}) }) : null;

    // Started only once the server listens: a gateway that cannot serve SCIM should not be pulling either.
    const scheduler = bindings.length ? startSchedules({ store, config, log, metrics, bindings, options }) : null;
    // Webhooks are delivered where the schedules run (one process of a cluster); instances sharing PostgreSQL split
    // the endpoints between them through a lease per endpoint.
    const webhooks =
      (options.schedules ?? true)
        ? startWebhookDispatcher({ store, log, settings: webhookSettings(config), observe: (outcome) => metrics.observeWebhookDelivery(outcome), ...(clock ? { clock: () => clock().getTime() } : {}) })
        : null;
    return {
      app,
      store,
      log,
      metrics,
      scheduler,
      url: `http://${host}:${port}`,
      bootstrap,
      close: async (stopOptions) => {
        // HTTP and cron stop together; a running cycle keeps the database until it has finished or been aborted.
        const stopped = await Promise.allSettled([app.close(), scheduler?.stop(stopOptions), webhooks?.stop()]);
        stopRelay?.();
        await Promise.all([stopListening?.(), stopPruning?.()]);
        const cyclesStopped = stopped[1].status !== 'fulfilled' || stopped[1].value !== false;
        // A cycle that ignored its abort still holds a query or a connection: closing under it would only add errors.
        if (cyclesStopped) await store.close();
        const failure = stopped.find((result) => result.status === 'rejected');
        if (failure) throw failure.reason;
        if (!cyclesStopped) throw new Error('a pull cycle did not stop after the abort; its run is recorded as aborted');
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** The configured bindings as the scheduler sees them. */
export function scheduledBindings(config: Readonly<Config>): ScheduledBinding[] {
  return config.connectors.map((binding) => {
    const full = parseFullSchedule(binding.fullSchedule ?? DEFAULT_FULL_SCHEDULE);
    return { workspaceId: binding.workspace, name: bindingName(binding), schedule: binding.schedule, ...(full?.kind === 'cron' ? { fullSchedule: full.expression } : {}) };
  });
}

interface ScheduleDeps {
  store: Store;
  config: Readonly<Config>;
  log: Logger;
  metrics: Metrics;
  bindings: ScheduledBinding[];
  options: GatewayOptions;
}

function startSchedules({ store, config, log, metrics, bindings, options }: ScheduleDeps): Scheduler {
  if (store.dialect.name === 'sqlite') {
    log.info('SQLite mode is single-instance: run one rosterd per database file; several instances sharing the schedules need PostgreSQL');
  }
  // One id per process: it holds the schedules' leases and is recorded on the runs it makes.
  const holder = newHolderId();
  const scheduler = createScheduler({
    db: store.db,
    bindings,
    holder,
    runCycle: options.runCycle ?? ((binding, context) => reconcileBinding({ store, config, log, clock: options.clock ?? (() => new Date()) }, binding, holder, context)),
    log,
    onEvent: recordCycle(metrics),
    leaseTtlMs: options.leaseTtlMs ?? config.daemon.leaseTtlSeconds * 1000,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  for (const binding of bindings) log.info({ workspaceId: binding.workspaceId, binding: binding.name, schedule: binding.schedule }, 'pull schedule');
  scheduler.start();
  return scheduler;
}

/** Cycles that ended, counted by result; applied changes counted by action. */
function recordCycle(metrics: Metrics): (event: SchedulerEvent) => void {
  return (event) => {
    if (event.type === 'finished') metrics.observeRun(event.binding.workspaceId, event.binding.name, event.outcome.result, event.outcome.summary);
    else if (event.type === 'failed') metrics.observeRun(event.binding.workspaceId, event.binding.name, 'failed');
  };
}

/**
 * One scheduled pull cycle of a binding through the reconciler: incremental from the binding's cursor unless a full
 * read is due, applied unless the deletion budget refuses it, recorded as a run of this instance. None runs while a
 * plan over the budget waits for an admin: that plan's refused run is the one record of it.
 */
function reconcileBinding(deps: ReconcilerDeps, binding: ScheduledBinding, instance: string, context: Parameters<RunCycle>[1]): Promise<ReconcileOutcome | null> {
  return reconcileScheduled(deps, { workspaceId: binding.workspaceId, binding: binding.name, mode: 'auto', instance, signal: context.signal, fence: context.fence });
}
