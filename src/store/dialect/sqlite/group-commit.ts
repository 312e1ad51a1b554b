import type { Kysely } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../../database.js';
import { DatabaseBusy } from '../../database-busy.js';
import { commitBatch, queuedWrite, type QueuedWrite } from '../../commit-batch.js';
import { EventLoopSlices, startSlice } from '../../event-loop-slices.js';
import type { WriteJob } from '../../store.js';

/** BEGIN IMMEDIATE without busy wait; false while another process holds the lock. */
export type TryBeginImmediate = () => boolean;

export interface GroupCommitOptions {
  /** So a commit never holds readers back long. */
  maxBatch?: number;
  /** Before the batch's jobs fail. */
  lockTimeoutMs?: number;
}

/** Short: another worker's batch is quick, and a longer sleep would leave the lock idle after it is freed. */
const LOCK_RETRY_MS = [0, 1];

/**
 * A commit costs more than the rest of a SCIM write, so writes queued during one share the next, each in a savepoint (a
 * failure rolls back alone), resolved after COMMIT. Another process's lock is awaited between event-loop turns, not in
 * SQLite's busy handler, which blocks the process.
 */
export class GroupCommit {
  private readonly queue: QueuedWrite[] = [];
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
      this.queue.push(queuedWrite(job, resolve, reject));
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        // One turn first, so in-flight requests join this batch.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await this.runBatch();
      }
    } finally {
      this.draining = false;
    }
  }

  private async runBatch(): Promise<void> {
    const deadline = Date.now() + this.lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      let batch: QueuedWrite[] | null = null;
      try {
        await this.db.connection().execute(async (connection) => {
          if (!this.tryBeginImmediate()) return;
          // Cut once the lock is ours: jobs queued meanwhile join.
          batch = this.queue.splice(0, this.maxBatch);
          startSlice();
          await commitBatch(connection.withPlugin(this.slices), batch);
        });
      } catch (error) {
        for (const entry of batch ?? this.queue.splice(0, this.maxBatch)) entry.reject(error);
        return;
      }
      if (batch) return;
      if (Date.now() >= deadline) {
        const error = new DatabaseBusy(this.lockTimeoutMs);
        for (const entry of this.queue.splice(0, this.maxBatch)) entry.reject(error);
        return;
      }
      await sleep(LOCK_RETRY_MS[Math.min(attempt, LOCK_RETRY_MS.length - 1)]);
    }
  }
}
