import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Request/response over a forked child's IPC channel: the connector benchmark runs the fake IdP and the
 * connector in separate processes (each gets its own core and its own peak RSS) and drives both from here.
 */
interface Request {
  id: number;
  type: string;
  payload: unknown;
}

type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface ProcessStats {
  /** user + system CPU seconds since the process started. */
  cpuSeconds: number;
  /** Peak resident set size since the process started (getrusage ru_maxrss), bytes. */
  maxRss: number;
  rss: number;
}

export function processStats(): ProcessStats {
  const usage = process.resourceUsage();
  return { cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRss: usage.maxRSS * 1024, rss: process.memoryUsage.rss() };
}

/** Child side: answer requests with the handler of their type; exit when the parent goes away. */
export function serve(handlers: Record<string, (payload: never) => unknown>): void {
  process.on('message', (message: Request) => {
    const handler = handlers[message.type];
    const reply = (r: Response) => process.send?.(r);
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`no handler for ${message.type}`);
        return handler(message.payload as never);
      })
      .then(
        (result) => reply({ id: message.id, ok: true, result: result ?? null }),
        (err: unknown) => reply({ id: message.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
}

/** Parent side: a forked script that answers `call`s. */
export class Child {
  private readonly process: ChildProcess;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  private stderr = '';
  private exited: Promise<number | null>;

  constructor(
    readonly name: string,
    script: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.process = fork(script, [], { env, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    this.process.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-8000);
    });
    this.process.on('message', (message: Response) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`${this.name}: ${message.error}`));
    });
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code) => {
        for (const waiter of this.pending.values()) waiter.reject(new Error(`${this.name} exited (code ${code}) while answering:\n${this.stderr.trim()}`));
        this.pending.clear();
        resolve(code);
      });
    });
  }

  get pid(): number {
    return this.process.pid!;
  }

  call<T>(type: string, payload: unknown = null): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.process.send({ id, type, payload } satisfies Request, (err) => {
        if (err) {
          this.pending.delete(id);
          reject(err);
        }
      });
    });
  }

  /** Disconnect (the child exits on its own), then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    if (this.process.connected) this.process.disconnect();
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Machine-wide CPU seconds from /proc/stat (all cores): busy = user + nice + system; irq = hard and soft interrupts (loopback TCP). NaN off Linux. */
export function machineCpu(): { busy: number; irq: number } {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = values.map(Number);
    return { busy: (user + nice + system) / 100, irq: (irq + softirq) / 100 };
  } catch {
    return { busy: Number.NaN, irq: Number.NaN };
  }
}
