import type { Kysely } from 'kysely';
import type { Logger } from '../log/create-logger.js';
import type { LeaseFence, ReconcileOutcome } from '../reconcile/reconcile-request.js';
import type { Database } from '../store/database.js';
import { confirmLease, releaseLease } from '../store/lease-repository.js';
import { abortRunsOf, failAbandonedRuns } from '../store/sync-run-repository.js';
import { holdLease, pullLeaseName, type HeldLease } from './lease.js';
import { retryDelay, shouldRetry, type RetryPolicy } from './retry-backoff.js';

export interface ScheduledBinding {
  workspaceId: string;
  name: string;
  schedule: string;
  /** For full reads; an interval schedule needs none. */
  fullSchedule?: string;
}

/** Null when the binding is held by a plan awaiting an admin. */
export type RunCycle = (binding: ScheduledBinding, context: { signal: AbortSignal; fence: LeaseFence }) => Promise<ReconcileOutcome | null>;

export type CycleTrigger = 'schedule' | 'retry';

export type SchedulerEvent =
  | { type: 'started'; binding: ScheduledBinding; trigger: CycleTrigger }
  | { type: 'finished'; binding: ScheduledBinding; trigger: CycleTrigger; outcome: ReconcileOutcome; retryInMs: number | null }
  | { type: 'failed'; binding: ScheduledBinding; trigger: CycleTrigger; error: unknown; retryInMs: number | null }
  | { type: 'skipped'; binding: ScheduledBinding; trigger: CycleTrigger; reason: 'running' | 'leased' | 'lease-error' | 'stopping' | 'held' };

export interface BindingRunnerDeps {
  db: Kysely<Database>;
  runCycle: RunCycle;
  holder: string;
  leaseTtlMs: number;
  retry: RetryPolicy;
  log: Logger;
  onEvent: (event: SchedulerEvent) => void;
  msToNextTick: () => number | null;
  clock?: () => number;
}

/** Never two cycles at once, in this process or (via the binding's lease) across instances; failures retry with backoff. */
export class BindingRunner {
  private running: Promise<void> | null = null;
  private cycle: AbortController | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private lease: HeldLease | null = null;
  private failures = 0;
  private stopped = false;
  private readonly leaseName: string;
  private readonly log: Logger;

  constructor(
    readonly binding: ScheduledBinding,
    private readonly deps: BindingRunnerDeps,
  ) {
    this.leaseName = pullLeaseName(binding.workspaceId, binding.name);
    this.log = deps.log.child({ workspaceId: binding.workspaceId, binding: binding.name });
  }

  trigger(trigger: CycleTrigger): void {
    if (this.stopped) return this.emit({ type: 'skipped', binding: this.binding, trigger, reason: 'stopping' });
    if (this.running) {
      this.log.info({ trigger }, 'pull cycle still running; this trigger is skipped');
      return this.emit({ type: 'skipped', binding: this.binding, trigger, reason: 'running' });
    }
    // A tick while a retry waits is that retry, earlier.
    this.clearRetry();
    this.running = this.runOnce(trigger).finally(() => (this.running = null));
  }

  private async runOnce(trigger: CycleTrigger): Promise<void> {
    let lease: HeldLease | null;
    try {
      lease = await holdLease({ db: this.deps.db, name: this.leaseName, holder: this.deps.holder, ttlMs: this.deps.leaseTtlMs, log: this.log, ...(this.deps.clock ? { clock: this.deps.clock } : {}) });
    } catch (error) {
      this.log.warn({ err: error, trigger }, 'cannot take the schedule lease; skipping this trigger');
      return this.emit({ type: 'skipped', binding: this.binding, trigger, reason: 'lease-error' });
    }
    if (!lease) {
      this.log.debug({ trigger }, 'another instance holds the schedule lease; skipping this trigger');
      return this.emit({ type: 'skipped', binding: this.binding, trigger, reason: 'leased' });
    }
    if (this.stopped) {
      await lease.release().catch(() => undefined);
      return this.emit({ type: 'skipped', binding: this.binding, trigger, reason: 'stopping' });
    }

    await this.failAbandonedRuns();
    this.lease = lease;
    const cycle = (this.cycle = new AbortController());
    const onLeaseLost = () => cycle.abort(lease.signal.reason);
    lease.signal.addEventListener('abort', onLeaseLost, { once: true });
    this.emit({ type: 'started', binding: this.binding, trigger });
    this.log.info({ trigger }, 'pull cycle started');
    try {
      const clock = this.deps.clock ?? Date.now;
      const fence: LeaseFence = (trx) => confirmLease(trx, lease.name, lease.holder, clock());
      const outcome = await this.deps.runCycle(this.binding, { signal: cycle.signal, fence });
      if (outcome === null) {
        this.log.debug({ trigger }, 'a plan over the deletion budget waits for approval; no cycle runs until it is decided');
        return this.emit({ type: 'skipped', binding: this.binding, trigger, reason: 'held' });
      }
      const retryInMs = this.afterCycle(shouldRetry(outcome));
      const level = outcome.result === 'failed' ? 'warn' : 'info';
      this.log[level]({ runId: outcome.runId, planId: outcome.planId, result: outcome.result, summary: outcome.summary, retryInMs }, `pull cycle ${outcome.result}: ${outcome.message}`);
      this.emit({ type: 'finished', binding: this.binding, trigger, outcome, retryInMs });
    } catch (error) {
      const retryInMs = this.afterCycle(true);
      this.log.error({ err: error, retryInMs }, 'pull cycle failed');
      this.emit({ type: 'failed', binding: this.binding, trigger, error, retryInMs });
    } finally {
      // The lease is kept until it expires, so another instance's slightly later tick does not rerun this one.
      lease.stopHeartbeat();
      lease.signal.removeEventListener('abort', onLeaseLost);
      this.lease = null;
      this.cycle = null;
    }
  }

  /** A failure here must not cost the cycle. */
  private async failAbandonedRuns(): Promise<void> {
    try {
      const now = new Date((this.deps.clock ?? Date.now)()).toISOString();
      const closed = await failAbandonedRuns(this.deps.db, this.binding.workspaceId, this.binding.name, this.deps.holder, now);
      if (closed > 0) this.log.warn({ runs: closed }, 'recorded runs left open by an instance that stopped as failed');
    } catch (error) {
      this.log.warn({ err: error }, 'cannot close the runs a stopped instance left open');
    }
  }

  private afterCycle(failed: boolean): number | null {
    if (!failed) {
      this.failures = 0;
      return null;
    }
    this.failures++;
    if (this.stopped) return null;
    const delay = retryDelay(this.failures, this.deps.retry, this.deps.msToNextTick());
    if (delay !== null) this.retryTimer = setTimeout(() => this.trigger('retry'), delay);
    return delay;
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** False if the cycle ignored the abort: its run is recorded as aborted and its lease left to expire. */
  async stop(graceMs: number, abortWaitMs: number): Promise<boolean> {
    this.stopped = true;
    this.clearRetry();
    const running = this.running;
    if (running && !(await settlesWithin(running, graceMs))) {
      this.log.warn({ graceMs }, 'pull cycle still running at shutdown; aborting it');
      this.cycle?.abort(new Error('rosterd is shutting down'));
      if (!(await settlesWithin(running, abortWaitMs))) {
        // Stop renewing, so another instance can take over once the lease expires even if this one hangs.
        this.lease?.stopHeartbeat();
        this.log.error({ abortWaitMs }, 'pull cycle did not stop after the abort; recording its run as aborted and leaving its lease to expire');
        await this.recordAborted();
        return false;
      }
    }
    try {
      await releaseLease(this.deps.db, this.leaseName, this.deps.holder);
    } catch (error) {
      this.log.warn({ err: error }, 'cannot release the schedule lease; it expires on its own');
    }
    return true;
  }

  private async recordAborted(): Promise<void> {
    try {
      const now = new Date((this.deps.clock ?? Date.now)()).toISOString();
      await abortRunsOf(this.deps.db, this.binding.workspaceId, this.binding.name, this.deps.holder, now);
    } catch (error) {
      this.log.warn({ err: error }, 'cannot record the interrupted run as aborted');
    }
  }

  private emit(event: SchedulerEvent): void {
    try {
      this.deps.onEvent(event);
    } catch (error) {
      this.log.error({ err: error }, 'scheduler event listener failed');
    }
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
