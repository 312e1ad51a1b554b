import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** better-sqlite3's entry point, resolved from here: an `eval` worker has no module of its own to resolve it from. */
const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * A thread that runs `source` (CommonJS, with `workerData.driver` to require better-sqlite3 from and
 * `workerData.path` the database file), unref'd so that it never keeps the process alive. The code is run with
 * `eval` so that it needs no file of its own next to this one: the same code serves the compiled package and the
 * TypeScript sources the tests run.
 */
export function sqliteThread(source: string, path: string, data: Record<string, unknown> = {}): Worker {
  const worker = new Worker(source, { eval: true, workerData: { ...data, path, driver: DRIVER } });
  worker.unref();
  return worker;
}
