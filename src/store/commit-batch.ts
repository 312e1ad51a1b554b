import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import type { WriteJob } from './store.js';

/** A write waiting for a batch of its group commit. */
export interface QueuedWrite {
  job: WriteJob<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export function queuedWrite<T>(job: WriteJob<T>, resolve: (value: T) => void, reject: (error: unknown) => void): QueuedWrite {
  return { job: job as WriteJob<unknown>, resolve: resolve as (value: unknown) => void, reject };
}

/**
 * Runs a batch's jobs in the transaction open on `connection` and commits it. With several jobs, each runs in a
 * savepoint, so a failing one rolls back alone and is rejected at once; the others settle after COMMIT.
 */
export async function commitBatch(connection: Kysely<Database>, batch: readonly QueuedWrite[]): Promise<void> {
  if (batch.length === 1) return commitOne(connection, batch[0]!);
  const succeeded: { entry: QueuedWrite; value: unknown }[] = [];
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
    // A promise settles once: those rejected already keep their own error.
    for (const entry of batch) entry.reject(error);
    return;
  }
  for (const { entry, value } of succeeded) entry.resolve(value);
}

/** Alone in its transaction, a job needs no savepoint. */
async function commitOne(connection: Kysely<Database>, entry: QueuedWrite): Promise<void> {
  let value: unknown;
  try {
    value = await entry.job(connection);
    await sql`commit`.execute(connection);
  } catch (error) {
    await sql`rollback`.execute(connection).catch(() => undefined);
    entry.reject(error);
    return;
  }
  entry.resolve(value);
}
