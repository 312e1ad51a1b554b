import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** An `eval` worker cannot resolve modules itself. */
const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

/** An unref'd thread running CommonJS `source`, eval'd so it needs no file of its own. */
export function sqliteThread(source: string, path: string, data: Record<string, unknown> = {}): Worker {
  const worker = new Worker(source, { eval: true, workerData: { ...data, path, driver: DRIVER } });
  worker.unref();
  return worker;
}
