import { randomUUID } from 'node:crypto';
import { getTasks } from 'node-cron';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { abortableDelay } from '../../../src/connector/abortable-delay.js';
import { createScheduler, type RunCycle, type ScheduledBinding, type SchedulerEvent, type SchedulerOptions } from '../../../src/daemon/scheduler.js';
import { createLogger } from '../../../src/log/create-logger.js';
import type { ReconcileOutcome } from '../../../src/reconcile/reconcile-request.js';
import { summarize } from '../../../src/model/plan.js';
import { createDb } from '../../../src/store/create-db.js';
import type { Store } from '../../../src/store/store.js';
import type { RunResult } from '../../../src/store/database.js';
import { findLease } from '../../../src/store/lease-repository.js';
import { listRuns, startRun } from '../../../src/store/sync-run-repository.js';
import { openTestStore, TEST_POSTGRES_URL, type TestStore } from '../../support/test-store.js';
import { advanceUntil, useFakeTime, whileTimePasses } from './fake-time.js';

// node-cron's six-field form. The single-instance tests run on fake time (fake-time.ts), the two-instance test on
// real time, since its subject is two processes' real concurrency on PostgreSQL.
const EVERY_SECOND = '* * * * * *';
/** A tick far from the retries the backoff test arms, so the next tick never stands in for one of them. */
const EVERY_MINUTE = '0 * * * * *';
const log = createLogger({ level: 'silent' });

const outcome = (result: RunResult): ReconcileOutcome => ({
  runId: randomUUID(),
  planId: null,
  result,
  summary: summarize([]),
  warnings: [],
  membersRead: 0,
  complete: true,
  drift: { count: 0, reasons: {} },
  mode: 'incremental',
  message: result,
});

/** What the jobs did, in the order this process saw it: the facts the tests assert on. */
interface Entry {
  who: string;
  what: 'start' | 'end';
  abortReason?: string;
}

/**
 * A job that records its start and end, takes `ms` (forever when null; cut short when its signal aborts, as the
 * reconciler stops between pages), then returns the next result of `results` (the last one repeats; 'throw' throws).
 */
function recordingJob(entries: Entry[], who: string, ms: number | null, results: (RunResult | 'throw')[] = ['no_changes']): RunCycle {
  let calls = 0;
  return async (_binding, { signal }) => {
    entries.push({ who, what: 'start' });
    const result = results[Math.min(calls++, results.length - 1)]!;
    try {
      await (ms === null ? untilAborted(signal) : abortableDelay(ms, signal));
    } catch (error) {
      entries.push({ who, what: 'end', abortReason: String(signal.reason) });
      throw error;
    }
    entries.push({ who, what: 'end' });
    if (result === 'throw') throw new Error('the IdP did not answer');
    return outcome(result);
  };
}

/** Settles only when `signal` aborts, rejecting with its reason. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** No two cycles overlap: across everyone who recorded, starts and ends alternate. */
function neverOverlapping(entries: Entry[]): boolean {
  return entries.every((entry, i) => entry.what === (i % 2 === 0 ? 'start' : 'end') && (i % 2 === 0 || entries[i - 1]!.who === entry.who));
}

/** Waits, on real time, until `predicate` holds: a look every 20 ms, for at most `timeoutMs`. */
async function untilReally(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  await vi.waitFor(
    () => {
      if (!predicate()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

const binding = (name: string, schedule = EVERY_SECOND): ScheduledBinding => ({ workspaceId: 'acme', name, schedule });

// Sequential: fake timers are global, and the two-instance test needs real ones.
describe('the scheduler', () => {
  describe('of one instance', () => {
    let db: TestStore;
    beforeAll(async () => {
      db = await openTestStore('sqlite');
    });
    afterAll(() => db.cleanup());
    beforeEach(useFakeTime);
    afterEach(() => {
      vi.useRealTimers();
    });

    const start = (name: string, runCycle: RunCycle, options: Partial<SchedulerOptions> = {}, schedule = EVERY_SECOND) => {
      const events: SchedulerEvent[] = [];
      const scheduler = createScheduler({ db: db.store.db, bindings: [binding(name, schedule)], runCycle, log, onEvent: (e) => events.push(e), leaseTtlMs: 5_000, ...options });
      scheduler.start();
      return { scheduler, events };
    };
    const count = (events: SchedulerEvent[], type: SchedulerEvent['type']) => events.filter((e) => e.type === type).length;

    it('skips a tick that comes while the cycle still runs, and never runs two at once', async () => {
      const entries: Entry[] = [];
      // Longer than one tick: the tick after the start finds it running.
      const { scheduler, events } = start('overlap', recordingJob(entries, 'a', 1_300));
      await advanceUntil('a second cycle after a skipped tick', () => count(events, 'started') >= 2);
      await whileTimePasses('the stop', scheduler.stop({ graceMs: 0 }));
      const skipped = events.filter((e) => e.type === 'skipped');
      expect(skipped.length).toBeGreaterThan(0);
      expect(skipped.every((e) => e.type === 'skipped' && e.reason === 'running')).toBe(true);
      // The first skip comes after the first start and before the first end.
      expect(events.findIndex((e) => e.type === 'skipped')).toBeLessThan(events.findIndex((e) => e.type === 'finished'));
      expect(neverOverlapping(entries)).toBe(true);
    });

    it('retries a failed cycle with exponential backoff until it succeeds', async () => {
      const entries: Entry[] = [];
      const { scheduler, events } = start('backoff', recordingJob(entries, 'a', 5, ['throw', 'failed', 'applied']), { retry: { initialMs: 1_000, maxMs: 10_000 } }, EVERY_MINUTE);
      await advanceUntil('three cycles', () => count(events, 'finished') + count(events, 'failed') >= 3);
      await whileTimePasses('the stop', scheduler.stop());
      const ended = events.filter((e) => e.type === 'finished' || e.type === 'failed').slice(0, 3);
      expect(ended.map((e) => (e.type === 'finished' ? e.outcome.result : 'threw'))).toEqual(['threw', 'failed', 'applied']);
      // 1 s after the first failure, twice that after the second, nothing after the success.
      expect(ended.map((e) => (e.type === 'finished' || e.type === 'failed' ? e.retryInMs : undefined))).toEqual([1_000, 2_000, null]);
      const triggers = events.filter((e) => e.type === 'started').map((e) => e.trigger);
      expect(triggers.slice(0, 3)).toEqual(['schedule', 'retry', 'retry']);
    });

    it('does not retry a refused cycle: it waits for an approval, not for time', async () => {
      const entries: Entry[] = [];
      const { scheduler, events } = start('refused', recordingJob(entries, 'a', 5, ['refused']), { retry: { initialMs: 10, maxMs: 10_000 } });
      await advanceUntil('two cycles', () => count(events, 'finished') >= 2);
      await whileTimePasses('the stop', scheduler.stop());
      expect(events.filter((e) => e.type === 'started').map((e) => e.trigger)).toEqual(['schedule', 'schedule']);
      expect(events.flatMap((e) => (e.type === 'finished' ? [e.retryInMs] : []))).toEqual([null, null]);
    });

    it('stop() waits for the running cycle, then releases the lease and leaves no cron task behind', async () => {
      const entries: Entry[] = [];
      const { scheduler, events } = start('stop-wait', recordingJob(entries, 'a', 400));
      await advanceUntil('a cycle', () => count(events, 'started') >= 1);
      expect(await findLease(db.store.db, 'pull:acme/stop-wait')).toBeDefined();
      await whileTimePasses('the stop', scheduler.stop({ graceMs: 10_000 }));
      entries.push({ who: 'stop', what: 'end' });
      expect(entries.map((e) => `${e.who} ${e.what}`)).toEqual(['a start', 'a end', 'stop end']);
      expect(await findLease(db.store.db, 'pull:acme/stop-wait')).toBeUndefined();
      expect([...getTasks().values()].some((task) => task.name === 'pull:acme/stop-wait')).toBe(false);
    });

    it('stop() aborts a cycle that outlives the grace period, and does not retry it', async () => {
      const entries: Entry[] = [];
      const { scheduler, events } = start('stop-abort', recordingJob(entries, 'a', 60_000), { retry: { initialMs: 10, maxMs: 10_000 } });
      await advanceUntil('a cycle', () => count(events, 'started') >= 1);
      await whileTimePasses('the stop', scheduler.stop({ graceMs: 50, abortWaitMs: 10_000 }));
      entries.push({ who: 'stop', what: 'end' });
      expect(entries.map((e) => `${e.who} ${e.what}`)).toEqual(['a start', 'a end', 'stop end']);
      expect(entries[1]!.abortReason).toMatch(/shutting down/);
      expect(events.find((e) => e.type === 'failed')).toMatchObject({ retryInMs: null });
      expect(await findLease(db.store.db, 'pull:acme/stop-abort')).toBeUndefined();
    });
  });

  describe('taking over from an instance that died', () => {
    let db: TestStore;
    beforeAll(async () => {
      db = await openTestStore('sqlite');
      await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
    });
    afterAll(() => db.cleanup());
    beforeEach(useFakeTime);
    afterEach(() => {
      vi.useRealTimers();
    });

    it('records the scheduled runs a dead holder left open as failed, and leaves every other run alone', async () => {
      const open = (id: string, name: string, trigger: 'schedule' | 'cli', instance: string) =>
        startRun(db.store.db, { id, workspaceId: 'acme', binding: name, mode: 'full', trigger, dryRun: false, instance, startedAt: '2026-01-01T00:00:00.000Z' });
      await open('dead', 'orphans', 'schedule', 'gone-host:4242:0badcafe');
      // A manual `rosterd reconcile` takes no lease: it may well still be running.
      await open('manual', 'orphans', 'cli', 'admin-host:77');
      await open('elsewhere', 'other-binding', 'schedule', 'gone-host:4242:0badcafe');

      const started: string[] = [];
      const scheduler = createScheduler({ db: db.store.db, bindings: [binding('orphans')], runCycle: async () => (started.push('cycle'), outcome('no_changes')), log, leaseTtlMs: 5_000 });
      scheduler.start();
      await advanceUntil('a cycle', () => started.length > 0);
      await whileTimePasses('the stop', scheduler.stop());

      const runs = new Map((await listRuns(db.store.db, 'acme', 10)).map((run) => [run.id, run]));
      expect(runs.get('dead')).toMatchObject({ result: 'failed', error: expect.stringMatching(/^abandoned: its instance stopped before the run ended/), finishedAt: expect.any(String) });
      expect(runs.get('manual')).toMatchObject({ result: 'running', finishedAt: null });
      expect(runs.get('elsewhere')).toMatchObject({ result: 'running', finishedAt: null });
    });
  });

  describe('of two instances on one PostgreSQL database', () => {
    let db: TestStore;
    const stores: Store[] = [];
    beforeAll(async () => {
      db = await openTestStore('postgres');
      for (let i = 0; i < 2; i++) stores.push(await createDb(TEST_POSTGRES_URL, { schema: db.schema!, poolSize: 2 }));
    });
    afterAll(async () => {
      await Promise.all(stores.map((store) => store.close()));
      await db.cleanup();
    });

    it('never run one binding at the same time, and the other takes over once the leader stops renewing', async () => {
      const entries: Entry[] = [];
      const events: Record<string, SchedulerEvent[]> = { a: [], b: [] };
      // Cycles that run until they are aborted, so the leader is mid-cycle, renewing, when it "dies".
      const schedulers = (['a', 'b'] as const).map((who, i) =>
        createScheduler({
          db: stores[i]!.db,
          bindings: [binding('shared')],
          runCycle: recordingJob(entries, who, null),
          log,
          holder: who,
          leaseTtlMs: 1_500,
          onEvent: (e) => events[who]!.push(e),
        }),
      );
      for (const scheduler of schedulers) scheduler.start();

      await untilReally('a leader', () => entries.length > 0);
      const leader = entries[0]!.who;
      const follower = leader === 'a' ? 'b' : 'a';
      await untilReally('the follower to find the lease taken', () => events[follower]!.some((e) => e.type === 'skipped' && e.reason === 'leased'));

      // The leader loses its database, as when its process dies or is cut off: its heartbeat can no longer renew
      // the lease and nothing releases it. It aborts its own cycle before the lease can expire ...
      await stores[leader === 'a' ? 0 : 1]!.close();
      // ... and once the lease has expired, the follower's next tick takes it.
      await untilReally('the follower to run', () => entries.some((e) => e.who === follower && e.what === 'start'));
      await Promise.all(schedulers.map((scheduler) => scheduler.stop({ graceMs: 50, abortWaitMs: 5_000 })));

      expect(neverOverlapping(entries)).toBe(true);
      const firstByFollower = entries.findIndex((e) => e.who === follower);
      expect(entries.slice(0, firstByFollower).every((e) => e.who === leader)).toBe(true);
      expect(entries[firstByFollower - 1]).toMatchObject({ who: leader, what: 'end' });
      expect(entries[firstByFollower - 1]!.abortReason).toMatch(/lease pull:acme\/shared lost/);
      expect(events[leader]!.some((e) => e.type === 'skipped' && e.reason === 'lease-error')).toBe(true);
    });
  });
});
