import { sql, type Kysely } from 'kysely';
import { commitBatch, queuedWrite, type QueuedWrite } from '../../commit-batch.js';
import type { Database } from '../../database.js';
import type { WriteJob } from '../../store.js';

/** So one batch never holds a workspace's lock long. */
const MAX_BATCH = 64;

/**
 * Writes of one workspace serialise on its row lock, held through the commit's flush to disk. Writes that arrive while
 * one is in flight share the next transaction instead, each in a savepoint (a failure rolls back alone), so one flush
 * serves them all. The first write of an idle key starts at once.
 */
export class KeyedGroupCommit {
  private readonly queues = new Map<string, QueuedWrite[]>();

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(key: string, job: WriteJob<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = queuedWrite(job, resolve, reject);
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(entry);
        return;
      }
      const fresh = [entry];
      this.queues.set(key, fresh);
      void this.drain(key, fresh);
    });
  }

  private async drain(key: string, queue: QueuedWrite[]): Promise<void> {
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, MAX_BATCH);
        try {
          await this.db.connection().execute(async (connection) => {
            await sql`begin`.execute(connection);
            await commitBatch(connection, batch);
          });
        } catch (error) {
          // No connection, or BEGIN failed: nothing ran.
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.queues.delete(key);
    }
  }
}
