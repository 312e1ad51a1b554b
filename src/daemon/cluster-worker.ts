import { AggregatorRegistry } from 'prom-client';
import type { EventBus } from '../events/event-bus.js';
import { isMessage, WORKER_INDEX_ENV, type EventsCommitted, type PrimaryMessage, type WorkerMessage } from './cluster-messages.js';
import type { Metrics } from './metrics.js';

/** Longer than prom-client's own 5 s worker timeout. */
const METRICS_TIMEOUT_MS = 6_000;

export function workerIndex(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env[WORKER_INDEX_ENV];
  return raw === undefined ? null : Number(raw);
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

export function reportListening(url: string): void {
  send({ type: 'rosterd:listening', url });
}

/** Commits are batched per interval: a message per write costs more than the events. */
const RELAY_INTERVAL_MS = 10;

/** So a long poll wakes for another worker's write. */
export function relayEvents(bus: EventBus): () => void {
  let relaying = false;
  const pending = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    for (const [workspaceId, seq] of pending) send({ type: 'rosterd:events', workspaceId, seq });
    pending.clear();
  };
  const unsubscribe = bus.subscribe((workspaceId, seq) => {
    if (relaying) return;
    timer ??= setTimeout(flush, RELAY_INTERVAL_MS);
    pending.set(workspaceId, seq);
  });
  const onMessage = (message: unknown) => {
    if (!isMessage<PrimaryMessage>(message, 'rosterd:events')) return;
    const { workspaceId, seq } = message as EventsCommitted;
    relaying = true;
    try {
      bus.published(workspaceId, seq);
    } finally {
      relaying = false;
    }
  };
  process.on('message', onMessage);
  return () => {
    unsubscribe();
    process.off('message', onMessage);
    if (timer) clearTimeout(timer);
  };
}

export function onShutdownRequest(stop: () => void): void {
  process.on('message', (message) => {
    if (isMessage<PrimaryMessage>(message, 'rosterd:shutdown')) stop();
  });
}

let nextRequestId = 0;

/** A scrape sums every worker via the primary: counters are per process, so one worker shows a shifting fraction. */
export function clusterMetricsRenderer(metrics: Metrics): () => Promise<string> {
  // Constructing one makes this process answer the primary's requests from our registry.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([metrics.registry]);
  return () =>
    new Promise<string>((resolve, reject) => {
      const requestId = nextRequestId++;
      const timer = setTimeout(() => {
        process.off('message', onMessage);
        reject(new Error('the cluster primary did not answer for metrics in time'));
      }, METRICS_TIMEOUT_MS);
      function onMessage(message: unknown): void {
        if (!isMessage<PrimaryMessage>(message, 'rosterd:metrics')) return;
        const answer = message as Extract<PrimaryMessage, { type: 'rosterd:metrics' }>;
        if (answer.requestId !== requestId) return;
        clearTimeout(timer);
        process.off('message', onMessage);
        if (answer.error !== undefined || answer.text === undefined) reject(new Error(answer.error ?? 'no metrics'));
        else resolve(answer.text);
      }
      process.on('message', onMessage);
      send({ type: 'rosterd:metrics-request', requestId });
    });
}
