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
  db: Kysely<Database>;
  bindings: readonly ScheduledBinding[];
  runCycle: RunCycle;
  log: Logger;
  holder?: string;
  leaseTtlMs?: number;
  retry?: RetryPolicy;
  onEvent?: (event: SchedulerEvent) => void;
  /** Default: the process's time zone. */
  timezone?: string;
  clock?: () => number;
}

export interface StopOptions {
  /** Default 20 s, then the cycle is aborted. */
  graceMs?: number;
  /** Default 5 s. */
  abortWaitMs?: number;
}

export interface Scheduler {
  readonly holder: string;
  start(): void;
  /** False if a cycle ignored its abort. */
  stop(options?: StopOptions): Promise<boolean>;
}

/** The cron callback only triggers the BindingRunner, so our overlap guard (covering retries too) applies, not node-cron's. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const holder = options.holder ?? newHolderId();
  const log = options.log.child({ component: 'scheduler' });
  const cronLogger = toCronLogger(log);
  const tasks: ScheduledTask[] = [];
  let started = false;

  const runners = options.bindings.map((binding) => {
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
        // Recorded in the database, so whichever instance runs the next cycle reads everything.
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
      // Destroy also removes it from node-cron's process-wide registry.
      await Promise.all(tasks.map((task) => task.destroy()));
      const stopped = await Promise.all(runners.map(({ runner }) => runner.stop(stopOptions.graceMs ?? 20_000, stopOptions.abortWaitMs ?? 5_000)));
      return stopped.every(Boolean);
    },
  };
}

/** So node-cron's warnings reach the JSON log. */
function toCronLogger(log: Logger): CronLogger {
  const asLine = (message: string | Error) => (message instanceof Error ? message.message : message);
  return {
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message, err) => log.error({ err: err ?? (message instanceof Error ? message : undefined) }, asLine(message)),
    debug: (message, err) => log.debug({ err }, asLine(message)),
  };
}
