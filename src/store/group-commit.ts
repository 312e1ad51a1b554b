import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';

export type WriteJob<T> = (trx: Transaction<Database>) => Promise<T>;

interface Queued {
  job: WriteJob<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite. One database file has one writer, and on this kind of disk a commit (WAL frames
 * plus the checkpoints they cause) costs more than everything else a SCIM write does. So writes that arrive
 * while a transaction is running queue up and share the next one: each job runs in its own savepoint, a job
 * that fails is rolled back to its savepoint alone (its request changes nothing), and the others are reported
 * only after the shared COMMIT succeeds. With one writer at a time this is exactly serial execution.
 */
export class GroupCommit {
  private readonly queue: Queued[] = [];
  private draining = false;

  constructor(
    private readonly db: Kysely<Database>,
    /** Upper bound on jobs per transaction, so one commit never holds readers back for long. */
    private readonly maxBatch = 64,
  ) {}

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
        await this.runBatch(this.queue.splice(0, this.maxBatch));
      }
    } finally {
      this.draining = false;
    }
  }

  private async runBatch(batch: Queued[]): Promise<void> {
    let trx;
    try {
      trx = await this.db.startTransaction().execute();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    const succeeded: { entry: Queued; value: unknown }[] = [];
    try {
      for (const entry of batch) {
        const point = await trx.savepoint('rosterd_job').execute();
        try {
          const value = await entry.job(point);
          await point.releaseSavepoint('rosterd_job').execute();
          succeeded.push({ entry, value });
        } catch (error) {
          await point.rollbackToSavepoint('rosterd_job').execute();
          await point.releaseSavepoint('rosterd_job').execute();
          entry.reject(error);
        }
      }
      await trx.commit().execute();
    } catch (error) {
      await trx.rollback().execute().catch(() => undefined);
      for (const { entry } of succeeded) entry.reject(error);
      return;
    }
    for (const { entry, value } of succeeded) entry.resolve(value);
  }
}
