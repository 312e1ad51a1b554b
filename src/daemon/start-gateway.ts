import type { FastifyInstance } from 'fastify';
import { bindingName, DEFAULT_DATABASE, type Config } from '../config/config-schema.js';
import { checkConfiguredWorkspaces } from '../admin/configured-workspaces.js';
import { assertSecretsResolved } from '../config/binding-secrets.js';
import { connectorDefinition } from '../connector/connector-kinds.js';
import { checkBindingSettings } from '../connector/connector-registry.js';
import { listWorkspaces } from '../store/workspace-repository.js';
import { RosterdError } from '../error/rosterd-error.js';
import type { EventBus } from '../events/event-bus.js';
import { startEventPruning } from '../events/event-pruner.js';
import { createLogger, type Logger } from '../log/create-logger.js';
import { createDb } from '../store/create-db.js';
import type { Store } from '../store/store.js';
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
  /** Null when no connector is configured. */
  scheduler: Scheduler | null;
  url: string;
  bootstrap: { workspaceId: string; token: string } | null;
  /** Rejects if a running cycle ignored its abort. */
  close(options?: StopOptions): Promise<void>;
}

export interface GatewayOptions {
  /** Default true; a cluster's primary does it once for its workers. */
  prepare?: boolean;
  /** Default true; in a cluster only worker 0. */
  schedules?: boolean;
  /** A cluster worker sums every worker's metrics via the primary. */
  metricsRenderer?: (metrics: Metrics) => () => Promise<string>;
  /** Cluster workers: other workers' commits wake this one's waiters. */
  relayEvents?: (bus: EventBus) => () => void;
  runCycle?: RunCycle;
  leaseTtlMs?: number;
  retry?: RetryPolicy;
  clock?: () => Date;
  /** Where request lines go (`rosterd start` passes buffered stdout); default: `log`. */
  requestLog?: Logger;
}

/** Migrates, checks that configured workspaces exist and their bindings' settings parse, bootstraps on first start. */
export async function prepareStore(store: Store, config: Readonly<Config>, log: Logger): Promise<Gateway['bootstrap']> {
  const applied = await migrateToLatest(store);
  if (applied.length) log.info({ migrations: applied }, 'database migrated');
  for (const binding of config.connectors) assertSecretsResolved(binding);
  const workspaces = new Map((await listWorkspaces(store.db)).map((w) => [w.id, w]));
  checkConfiguredWorkspaces(config, new Set(workspaces.keys()));
  // A misspelt setting stops the start, not every later cycle (a binding on the workspace this start bootstraps is
  // checked by its first cycle).
  for (const [index, binding] of config.connectors.entries()) {
    const workspace = workspaces.get(binding.workspace);
    if (workspace) await checkBindingSettings(binding, index, workspace);
  }
  return bootstrapWorkspace(store.db, config.bootstrap.workspace, new Date().toISOString());
}

export async function startGateway(config: Readonly<Config>, log: Logger = createLogger({ level: config.log.level }), options: GatewayOptions = {}): Promise<Gateway> {
  const store = await createDb(config.database, { heavyReadTimeoutMs: config.scim.budgets.queryTimeoutMs, backgroundCheckpoints: true, eventLog: config.events.enabled, createDirectory: config.database === DEFAULT_DATABASE });
  try {
    const bootstrap = (options.prepare ?? true) ? await prepareStore(store, config, log) : null;
    const clock = options.clock;
    const configured = scheduledBindings(config);
    const bindings = (options.schedules ?? true) ? configured : [];
    // Load connector SDKs before serving: okta-sdk-nodejs loads synchronously long enough to stall requests and lease renewals.
    if (bindings.length) await Promise.all([...new Set(config.connectors.map((binding) => binding.kind))].map((kind) => connectorDefinition(kind)));
    const base = createMetrics({ db: store.db, workspaces: [...new Set(configured.map((b) => b.workspaceId))], log, ...(clock ? { clock } : {}) });
    const metrics: Metrics = options.metricsRenderer ? { ...base, render: options.metricsRenderer(base) } : base;
    const app = await buildServer({ store, config, log, metrics, ...(clock ? { clock } : {}), ...(options.requestLog ? { requestLog: options.requestLog } : {}) });
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

    const stopListening = store.listenForEvents?.((error) => log.warn({ err: error }, 'lost the connection that listens for events; connecting again'));
    const stopRelay = options.relayEvents?.(store.events);
    const stopPruning = config.events.enabled ? startEventPruning({ store, retentionDays: config.events.retentionDays, log, ...(clock ? { clock } : {}) }) : null;

    // Only once listening: a gateway that cannot serve SCIM should not pull either.
    const scheduler = bindings.length ? startSchedules({ store, config, log, metrics, bindings, options }) : null;
    // Webhooks go out where schedules run; instances sharing PostgreSQL split endpoints by lease.
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
        const stopped = await Promise.allSettled([app.close(), scheduler?.stop(stopOptions), webhooks?.stop()]);
        stopRelay?.();
        await Promise.all([stopListening?.(), stopPruning?.()]);
        const cyclesStopped = stopped[1].status !== 'fulfilled' || stopped[1].value !== false;
        // A cycle that ignored its abort still holds a connection.
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

function recordCycle(metrics: Metrics): (event: SchedulerEvent) => void {
  return (event) => {
    if (event.type === 'finished') metrics.observeRun(event.binding.workspaceId, event.binding.name, event.outcome.result, event.outcome.summary);
    else if (event.type === 'failed') metrics.observeRun(event.binding.workspaceId, event.binding.name, 'failed');
  };
}

function reconcileBinding(deps: ReconcilerDeps, binding: ScheduledBinding, instance: string, context: Parameters<RunCycle>[1]): Promise<ReconcileOutcome | null> {
  return reconcileScheduled(deps, { workspaceId: binding.workspaceId, binding: binding.name, mode: 'auto', instance, signal: context.signal, fence: context.fence });
}
