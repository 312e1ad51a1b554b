import { newHolderId } from '../daemon/lease.js';
import type { Logger } from '../log/create-logger.js';
import type { Store } from '../store/store.js';
import { lastEventSeqs } from '../store/event-repository.js';
import { deliverableWebhookEndpoints, pruneWebhookDeliveries } from '../store/webhook-repository.js';
import { DeliverySlots } from './delivery-slots.js';
import { EndpointRunner, type DeliveryOutcome } from './endpoint-runner.js';
import type { WebhookSettings } from './webhook-settings.js';

export interface WebhookDispatcherOptions {
  store: Store;
  log: Logger;
  settings: WebhookSettings;
  holder?: string;
  clock?: () => number;
  random?: () => number;
  observe?: (outcome: DeliveryOutcome) => void;
}

export interface WebhookDispatcher {
  /** A request in flight is dropped, to be resent. */
  stop(): Promise<void>;
}

const PRUNE_EVERY_MS = 3_600_000;

/**
 * An EndpointRunner per endpoint, woken by the event bus, plus a safety tick for what the bus cannot announce (CLI
 * changes). Each endpoint delivers alone, so a failing one holds up only itself.
 */
export function startWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { store, log, settings } = options;
  const controller = new AbortController();
  const knownSeqs = new Map<string, number>();
  const runners = new Map<string, EndpointRunner>();
  const deps = {
    store,
    log,
    settings,
    slots: new DeliverySlots(settings.concurrency),
    holder: options.holder ?? newHolderId(),
    clock: options.clock ?? Date.now,
    random: options.random ?? Math.random,
    ...(options.observe ? { observe: options.observe } : {}),
    knownSeqs,
    signal: controller.signal,
  };

  const unsubscribe = store.events.subscribe((workspaceId, seq) => {
    if ((knownSeqs.get(workspaceId) ?? 0) < seq) knownSeqs.set(workspaceId, seq);
    for (const runner of runners.values()) runner.announce(workspaceId, seq);
  });

  const refresh = async () => {
    const [endpoints, seqs] = await Promise.all([deliverableWebhookEndpoints(store.db), lastEventSeqs(store.db)]);
    if (controller.signal.aborted) return;
    for (const workspaceId of [...knownSeqs.keys()]) if (!seqs.has(workspaceId)) knownSeqs.delete(workspaceId);
    for (const [workspaceId, seq] of seqs) if ((knownSeqs.get(workspaceId) ?? 0) < seq) knownSeqs.set(workspaceId, seq);
    const current = new Set(endpoints.map((e) => e.id));
    for (const endpoint of endpoints) {
      const runner = runners.get(endpoint.id);
      if (runner) runner.update(endpoint);
      else runners.set(endpoint.id, new EndpointRunner(endpoint, deps));
    }
    for (const [id, runner] of runners) {
      if (current.has(id)) continue;
      runners.delete(id);
      void runner.stop();
    }
  };
  let refreshing: Promise<void> = Promise.resolve();
  const tick = () => {
    refreshing = refreshing.then(refresh).catch((error: unknown) => log.warn({ err: error }, 'cannot read webhook endpoints'));
  };
  const prune = () => {
    const cutoff = new Date(deps.clock() - settings.historyMs).toISOString();
    pruneWebhookDeliveries(store.db, cutoff).then(
      (deleted) => deleted > 0 && log.info({ deleted }, 'pruned webhook delivery history'),
      (error: unknown) => log.warn({ err: error }, 'cannot prune webhook delivery history'),
    );
  };
  tick();
  prune();
  const ticker = setInterval(tick, settings.safetyTickMs);
  const pruner = setInterval(prune, PRUNE_EVERY_MS);

  return {
    async stop() {
      controller.abort();
      clearInterval(ticker);
      clearInterval(pruner);
      unsubscribe();
      await refreshing;
      await Promise.all([...runners.values()].map((runner) => runner.done));
    },
  };
}
