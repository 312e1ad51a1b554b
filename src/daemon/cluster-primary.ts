import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { DEFAULT_DATABASE, type Config } from '../config/config-schema.js';
import type { Logger } from '../log/create-logger.js';
import { createDb } from '../store/create-db.js';
import { isMessage, WORKER_INDEX_ENV, type EventsCommitted, type PrimaryMessage, type WorkerMessage } from './cluster-messages.js';
import { retryDelay } from './retry-backoff.js';
import { workerExecArgv } from './worker-exec-argv.js';
import { prepareStore, type Gateway } from './start-gateway.js';

/** Backoff for re-forking a worker that died after serving. */
const RESTART_POLICY = { initialMs: 1_000, maxMs: 30_000 };

export interface Cluster {
  url: string;
  database: string;
  workers: number;
  bootstrap: Gateway['bootstrap'];
  /** Resolves with the exit code. */
  stop(): Promise<number>;
  kill(): void;
}

/** The primary exits with the same code. */
export class WorkerStartFailed extends Error {
  constructor(readonly exitCode: number) {
    super(`a worker could not start (exit code ${exitCode})`);
  }
}

/** Migrates and bootstraps once, forks and replaces HTTP workers, sums metrics. Worker 0 runs the pull schedules. */
export async function startCluster(config: Readonly<Config>, log: Logger, count: number): Promise<Cluster> {
  const store = await createDb(config.database, { eventLog: config.events.enabled, createDirectory: config.database === DEFAULT_DATABASE });
  let bootstrap: Gateway['bootstrap'];
  try {
    bootstrap = await prepareStore(store, config, log);
  } finally {
    await store.close();
  }

  const aggregator = new AggregatorRegistry();
  const indexOf = new Map<Worker, number>();
  const failures = new Map<number, number>();
  let stopping = false;
  let url = '';
  let started!: (value: void) => void;
  let failedToStart!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    failedToStart = reject;
  });
  const listening = new Set<number>();
  let everyoneListened = false;

  const fork = (index: number): void => {
    cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, config.server.workerV8Flags, index === 0 && config.connectors.length > 0) });
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
    indexOf.set(worker, index);
    worker.on('message', (message: unknown) => {
      if (isMessage<WorkerMessage>(message, 'rosterd:listening')) {
        url = (message as Extract<WorkerMessage, { type: 'rosterd:listening' }>).url;
        failures.delete(index);
        listening.add(index);
        if (!everyoneListened && listening.size === count) {
          everyoneListened = true;
          started();
        }
      } else if (isMessage<WorkerMessage>(message, 'rosterd:events')) {
        for (const other of indexOf.keys()) if (other !== worker && other.isConnected()) other.send(message as EventsCommitted);
      } else if (isMessage<WorkerMessage>(message, 'rosterd:metrics-request')) {
        const { requestId } = message as Extract<WorkerMessage, { type: 'rosterd:metrics-request' }>;
        const answer = (reply: PrimaryMessage) => worker.isConnected() && worker.send(reply);
        aggregator.clusterMetrics().then(
          (text) => answer({ type: 'rosterd:metrics', requestId, text }),
          (error: unknown) => answer({ type: 'rosterd:metrics', requestId, error: (error as Error).message }),
        );
      }
    });
    worker.on('exit', (code, signal) => {
      indexOf.delete(worker);
      listening.delete(index);
      if (stopping) return;
      if (!everyoneListened) {
        stopping = true;
        for (const other of indexOf.keys()) other.kill('SIGKILL');
        failedToStart(new WorkerStartFailed(code ?? 1));
        return;
      }
      const failed = (failures.get(index) ?? 0) + 1;
      failures.set(index, failed);
      const delay = retryDelay(failed, RESTART_POLICY, null) ?? RESTART_POLICY.maxMs;
      log.error({ worker: index, code, signal, restartInMs: delay }, 'worker exited; starting a new one');
      setTimeout(() => {
        if (!stopping) fork(index);
      }, delay).unref();
    });
  };
  for (let index = 0; index < count; index++) fork(index);
  await ready;

  return {
    url,
    database: store.description,
    workers: count,
    bootstrap,
    stop: () => {
      stopping = true;
      const exits = [...indexOf.keys()].map(
        (worker) =>
          new Promise<number>((resolve) => {
            worker.once('exit', (code) => resolve(code ?? 1));
            if (worker.isConnected()) worker.send({ type: 'rosterd:shutdown' } satisfies PrimaryMessage);
            else worker.kill('SIGTERM');
          }),
      );
      return Promise.all(exits).then((codes) => Math.max(0, ...codes));
    },
    kill: () => {
      stopping = true;
      for (const worker of indexOf.keys()) worker.kill('SIGKILL');
    },
  };
}
