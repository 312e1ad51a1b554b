import type { Worker } from 'node:worker_threads';
import { sqliteThread } from './sqlite-thread.js';

/** How often the checkpointer looks at the WAL's size. */
const CHECK_INTERVAL_MS = 250;

/** The WAL size past which the checkpointer copies it into the database: about a second of heavy writing. */
const CHECKPOINT_AT_BYTES = 4 * 1024 * 1024;

/**
 * The checkpointer's code (sqlite-thread.ts runs it). A PASSIVE checkpoint
 * copies what it can of the WAL into the database file without waiting for, or blocking, readers and the writer;
 * the writer then starts the WAL over once it is all copied.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('wal_autocheckpoint = 0');
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)');
setInterval(() => {
  let size = 0;
  try { size = statSync(workerData.path + '-wal').size; } catch { return; }
  if (size < workerData.threshold) return;
  try { checkpoint.all(); } catch {}
}, workerData.interval);
`;

/**
 * Checkpoints SQLite's WAL from a thread of its own. Left to the writing connection, a checkpoint runs inside the
 * COMMIT that crosses the threshold and copies megabytes while every request waits. The writer keeps a far
 * larger automatic threshold as a backstop, in case this thread falls behind.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;

  constructor(path: string) {
    this.worker = sqliteThread(WORKER_SOURCE, path, { interval: CHECK_INTERVAL_MS, threshold: CHECKPOINT_AT_BYTES });
    // A checkpointer that fails leaves the writer's own automatic checkpoints to do the work.
    this.worker.on('error', () => undefined);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
