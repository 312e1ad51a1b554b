import { sql, type Kysely } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../../database.js';
import { EventLoopSlices, startSlice } from '../../event-loop-slices.js';
import type { WriteJob } from '../../store.js';

interface Queued {
  job: WriteJob<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Take SQLite's write lock now or say it is held: `BEGIN IMMEDIATE` with no busy wait. Runs synchronously on
 * the raw connection while the caller holds Kysely's connection, so nothing else runs in between.
 */
export type TryBeginImmediate = () => boolean;

export interface GroupCommitOptions {
  /** Upper bound on jobs per transaction, so one commit never holds readers back for long. */
  maxBatch?: number;
  /** How long a batch waits for another process to release the write lock before its jobs fail. */
  lockTimeoutMs?: number;
}

/** Waits between tries for the write lock: short first (another worker's batch takes a few ms), then 5 ms. */
const LOCK_RETRY_MS = [0, 1, 1, 2, 2, 5];

/**
 * Group commit for SQLite. One database file has one writer, and on this kind of disk a commit (WAL frames
 * plus the checkpoints they cause) costs more than everything else a SCIM write does. So writes that arrive
 * while a transaction is running queue up and share the next one: each job runs in its own savepoint, a job
 * that fails is rolled back to its savepoint alone (its request changes nothing), and the others are reported
 * only after the shared COMMIT succeeds. With one writer at a time this is exactly serial execution.
 *
 * When another process holds the write lock (another HTTP worker, or the CLI), the batch waits for it between
 * event-loop turns instead of in SQLite's busy handler, which sleeps inside the call and would stop this
 * process from serving anything, reads included, until the lock came free.
 */
export class GroupCommit {
  private readonly queue: Queued[] = [];
  private draining = false;
  private readonly maxBatch: number;
  private readonly lockTimeoutMs: number;
  private readonly slices = new EventLoopSlices();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly tryBeginImmediate: TryBeginImmediate,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 5_000;
  }

  run<T>(job: WriteJob<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job: job as WriteJob<unknown>, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        // One event-loop turn before cutting the batch: requests already in flight finish their reads (SQLite
        // calls resolve as microtasks) and join this batch instead of waiting for the next commit.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await this.runBatch();
      }
    } finally {
      this.draining = false;
    }
  }

  /** Take the write lock and run the queued jobs under it; while another process holds the lock, wait and retry. */
  private async runBatch(): Promise<void> {
    const deadline = Date.now() + this.lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      let batch: Queued[] | null = null;
      try {
        await this.db.connection().execute(async (connection) => {
          if (!this.tryBeginImmediate()) return;
          // Cut the batch only once the lock is ours: jobs queued while we waited join it.
          batch = this.queue.splice(0, this.maxBatch);
          startSlice();
          await this.runJobs(connection.withPlugin(this.slices), batch);
        });
      } catch (error) {
        for (const entry of batch ?? this.queue.splice(0, this.maxBatch)) entry.reject(error);
        return;
      }
      if (batch) return;
      if (Date.now() >= deadline) {
        const error = Object.assign(new Error(`the database stayed locked by another process for ${this.lockTimeoutMs} ms`), { code: 'SQLITE_BUSY' });
        for (const entry of this.queue.splice(0, this.maxBatch)) entry.reject(error);
        return;
      }
      await sleep(LOCK_RETRY_MS[Math.min(attempt, LOCK_RETRY_MS.length - 1)]);
    }
  }

  /** Inside BEGIN IMMEDIATE: each job in a savepoint, then one COMMIT; settles every job's promise. */
  private async runJobs(connection: Kysely<Database>, batch: Queued[]): Promise<void> {
    const succeeded: { entry: Queued; value: unknown }[] = [];
    try {
      for (const entry of batch) {
        await sql`savepoint rosterd_job`.execute(connection);
        try {
          const value = await entry.job(connection);
          await sql`release rosterd_job`.execute(connection);
          succeeded.push({ entry, value });
        } catch (error) {
          await sql`rollback to rosterd_job`.execute(connection);
          await sql`release rosterd_job`.execute(connection);
          entry.reject(error);
        }
      }
      await sql`commit`.execute(connection);
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      for (const { entry } of succeeded) entry.reject(error);
      return;
    }
    for (const { entry, value } of succeeded) entry.resolve(value);
  }
}
