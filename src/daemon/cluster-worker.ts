import { AggregatorRegistry } from 'prom-client';
import type { EventBus } from '../events/event-bus.js';
import { isMessage, WORKER_INDEX_ENV, type EventsCommitted, type PrimaryMessage, type WorkerMessage } from './cluster-messages.js';
import type { Metrics } from './metrics.js';

/** How long a worker waits for its primary's metrics before /metrics fails (prom-client gives workers 5 s). */
const METRICS_TIMEOUT_MS = 6_000;

/** This process's index in a rosterd cluster, or null when it is not a cluster worker. */
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

/**
 * How long a worker gathers its commits before telling the others: one message per workspace per interval (its
 * last sequence) instead of one per write, which at thousands of writes a second cost the workers and the primary
 * more than the writes' events did. A long poll in another worker wakes at most this much later.
 */
const RELAY_INTERVAL_MS = 10;

/**
 * Pass this worker's event commits to the primary, and announce on `bus` those the primary relays from the other
 * workers: a long poll in one worker wakes for a write another worker took. Returns the function that stops it.
 */
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

/** Call `stop` when the primary says to shut down. */
export function onShutdownRequest(stop: () => void): void {
  process.on('message', (message) => {
    if (isMessage<PrimaryMessage>(message, 'rosterd:shutdown')) stop();
  });
}

let nextRequestId = 0;

/**
 * /metrics in a cluster worker: this worker's registry answers prom-client's requests from the primary, and a
 * scrape asks the primary for the sum over every worker. Counters are per process, so one worker's numbers
 * alone would show a fraction of the traffic, changing from scrape to scrape with whichever worker answered.
 */
export function clusterMetricsRenderer(metrics: Metrics): () => Promise<string> {
  // Constructing one registers this process's answer to the primary's requests; it answers from our registry.
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
