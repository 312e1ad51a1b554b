import type { Kysely } from 'kysely';
import { createTask, type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Logger } from '../log/create-logger.js';
import { markFullDue } from '../store/connector-state-repository.js';
import type { Database } from '../store/database.js';
import { BindingRunner, type RunCycle, type ScheduledBinding, type SchedulerEvent } from './binding-runner.js';
import { DEFAULT_LEASE_TTL_MS, newHolderId } from './lease.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-backoff.js';

export type { CycleTrigger, RunCycle, ScheduledBinding, SchedulerEvent } from './binding-runner.js';

export interface SchedulerOptions {
  /** Where the leases live: the database every instance shares. */
  db: Kysely<Database>;
  bindings: readonly ScheduledBinding[];
  runCycle: RunCycle;
  log: Logger;
  /** This process's lease holder id; default hostname:pid:random. */
  holder?: string;
  leaseTtlMs?: number;
  retry?: RetryPolicy;
  /** Called for every trigger's fate (started, finished, failed, skipped): metrics and tests listen here. */
  onEvent?: (event: SchedulerEvent) => void;
  /** IANA time zone for the cron expressions; default the process's. */
  timezone?: string;
  /** Epoch milliseconds, for the leases. */
  clock?: () => number;
}

export interface StopOptions {
  /** How long a running cycle may go on before it is aborted; default 20 s. */
  graceMs?: number;
  /** How long to wait for an aborted cycle to return; default 5 s. */
  abortWaitMs?: number;
}

export interface Scheduler {
  /** The lease holder id of this process, also recorded on its runs. */
  readonly holder: string;
  start(): void;
  /**
   * Take no new work; resolve once every running cycle has finished or been aborted (see StopOptions): true when all
   * stopped, false when one ignored its abort (its run is recorded as aborted, and it may still be running).
   */
  stop(options?: StopOptions): Promise<boolean>;
}

/**
 * The daemon's pull schedules: one node-cron task per binding, each feeding a BindingRunner that owns the
 * rules (no overlap, one instance at a time through the lease, retries with backoff). The cron callback only
 * triggers the runner and returns, so node-cron's own overlap handling never sees a long cycle: our guard
 * covers retries too, which node-cron does not know about.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const holder = options.holder ?? newHolderId();
  const log = options.log.child({ component: 'scheduler' });
  const cronLogger = toCronLogger(log);
  const tasks: ScheduledTask[] = [];
  let started = false;

  const runners = options.bindings.map((binding) => {
    // The task is created in start(); until then there is no next tick.
    let task: ScheduledTask | undefined;
    const runner = new BindingRunner(binding, {
      db: options.db,
      runCycle: options.runCycle,
      holder,
      leaseTtlMs: options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
      retry: options.retry ?? DEFAULT_RETRY_POLICY,
      log,
      onEvent: options.onEvent ?? (() => undefined),
      msToNextTick: () => task?.msToNext() ?? null,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const taskOptions = (name: string) => ({ name, logger: cronLogger, ...(options.timezone ? { timezone: options.timezone } : {}) });
    return {
      runner,
      start() {
        task = createTask(binding.schedule, () => runner.trigger('schedule'), taskOptions(`pull:${binding.workspaceId}/${binding.name}`));
        tasks.push(task);
        void task.start();
        if (binding.fullSchedule === undefined) return;
        // The full-read tick is recorded in the database, so whichever instance runs the next cycle reads everything.
        const full = createTask(binding.fullSchedule, () => {
          const now = new Date((options.clock ?? Date.now)()).toISOString();
          markFullDue(options.db, binding.workspaceId, binding.name, `fullSchedule "${binding.fullSchedule}" ticked at ${now}`, now).then(
            () => runner.trigger('schedule'),
            (error: unknown) => log.warn({ err: error, workspaceId: binding.workspaceId, binding: binding.name }, 'cannot record that a full read is due'),
          );
        }, taskOptions(`full:${binding.workspaceId}/${binding.name}`));
        tasks.push(full);
        void full.start();
      },
    };
  });

  return {
    holder,
    start() {
      if (started) return;
      started = true;
      for (const entry of runners) entry.start();
    },
    async stop(stopOptions = {}) {
      // Destroying (not just stopping) also removes the task from node-cron's process-wide registry.
      await Promise.all(tasks.map((task) => task.destroy()));
      const stopped = await Promise.all(runners.map(({ runner }) => runner.stop(stopOptions.graceMs ?? 20_000, stopOptions.abortWaitMs ?? 5_000)));
      return stopped.every(Boolean);
    },
  };
}

/** node-cron's logger interface on top of ours, so its warnings land in the JSON log instead of on the console. */
function toCronLogger(log: Logger): CronLogger {
  const asLine = (message: string | Error) => (message instanceof Error ? message.message : message);
  return {
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message, err) => log.error({ err: err ?? (message instanceof Error ? message : undefined) }, asLine(message)),
    debug: (message, err) => log.debug({ err }, asLine(message)),
  };
}
