import type { Worker } from 'node:worker_threads';
import { QueryTimeout } from '../../query-timeout.js';
import { sqliteThread } from './sqlite-thread.js';

/** Read-only, small page cache (the OS caches the file), one query at a time. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -16384');
const statements = new Map();
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size > 256) statements.clear();
      statements.set(sql, statement);
    }
    parentPort.postMessage({ id, rows: statement.reader ? statement.all(parameters) : [] });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } });
  }
});
`;

interface Pending {
  resolve: (rows: unknown[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Job {
  sql: string;
  parameters: readonly unknown[];
  pending: Omit<Pending, 'timer'>;
}

class ReadWorker {
  private worker: Worker;
  private current: { id: number; pending: Pending } | null = null;
  private nextId = 0;

  constructor(
    private readonly path: string,
    private readonly timeoutMs: number,
    private readonly onIdle: (worker: ReadWorker) => void,
  ) {
    this.worker = this.spawn();
  }

  get busy(): boolean {
    return this.current !== null;
  }

  run(job: Job): void {
    const id = ++this.nextId;
    const timer = setTimeout(() => this.timedOut(id), this.timeoutMs);
    this.current = { id, pending: { ...job.pending, timer } };
    this.worker.postMessage({ id, sql: job.sql, parameters: job.parameters });
  }

  async close(): Promise<void> {
    this.fail(new Error('the database is closing'));
    await this.worker.terminate();
  }

  private spawn(): Worker {
    const worker = sqliteThread(WORKER_SOURCE, this.path);
    worker.on('message', (message: { id: number; rows?: unknown[]; error?: { message: string; code?: string } }) => {
      if (!this.current || this.current.id !== message.id) return;
      const { pending } = this.current;
      this.current = null;
      clearTimeout(pending.timer);
      if (message.error) pending.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else pending.resolve(message.rows ?? []);
      this.onIdle(this);
    });
    worker.on('error', (error) => {
      this.fail(error);
      this.worker = this.spawn();
      this.onIdle(this);
    });
    return worker;
  }

  /** Statements cannot be interrupted from outside: replace the thread. */
  private timedOut(id: number): void {
    if (!this.current || this.current.id !== id) return;
    this.fail(new QueryTimeout(this.timeoutMs));
    const stale = this.worker;
    stale.removeAllListeners();
    void stale.terminate();
    this.worker = this.spawn();
    this.onIdle(this);
  }

  private fail(error: Error): void {
    if (!this.current) return;
    const { pending } = this.current;
    this.current = null;
    clearTimeout(pending.timer);
    pending.reject(error);
  }
}

/** Costly reads off the event loop (better-sqlite3 is synchronous); WAL lets them run during writes. */
export class SqliteReadWorkers {
  private readonly workers: ReadWorker[] = [];
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly size: number,
    private readonly timeoutMs: number,
  ) {}

  query(sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new Error('the database is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ sql, parameters, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.pending.reject(new Error('the database is closing'));
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idleWorker();
      if (!worker) return;
      worker.run(this.queue.shift() as Job);
    }
  }

  private idleWorker(): ReadWorker | undefined {
    const idle = this.workers.find((worker) => !worker.busy);
    if (idle || this.workers.length >= this.size) return idle;
    const worker = new ReadWorker(this.path, this.timeoutMs, () => this.dispatch());
    this.workers.push(worker);
    return worker;
  }
}
