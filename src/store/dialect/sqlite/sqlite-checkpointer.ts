import type { Worker } from 'node:worker_threads';
import { sqliteThread } from './sqlite-thread.js';

const CHECK_INTERVAL_MS = 250;

const CHECKPOINT_AT_BYTES = 4 * 1024 * 1024;

/** A PASSIVE checkpoint neither waits for nor blocks anyone. */
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

/** Left to the writer, a checkpoint runs inside a COMMIT while every request waits. */
export class SqliteCheckpointer {
  private readonly worker: Worker;

  constructor(path: string) {
    this.worker = sqliteThread(WORKER_SOURCE, path, { interval: CHECK_INTERVAL_MS, threshold: CHECKPOINT_AT_BYTES });
    // If it fails, the writer's autocheckpoints do the work.
    this.worker.on('error', () => undefined);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
