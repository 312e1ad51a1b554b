import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { frameResponse } from './http-response-frame.js';

/**
 * An open-loop load at a constant rate: request k is due at start + k / rate, whether or not earlier ones have
 * been answered, and its latency runs from when it was due, not from when a connection was free to send it.
 * That is the latency a client sending 8,000 requests a second sees, queueing included (no coordinated omission).
 *
 * Why not autocannon's `overallRate`: it gives each connection a quota per second, sends the quota back to back
 * as soon as each second starts and then idles, so the server sees saturating bursts rather than a rate; and its
 * correction for coordinated omission assumes one request per millisecond per connection whatever the rate,
 * which inflates its p99 further. Measured here at 8,000 req/s against a server that answers 17,000/s at
 * saturation with a 6 ms p99, it reported a 67 ms p99.
 *
 * Deliberately small: keep-alive sockets, each request pre-encoded once, responses framed by Content-Length
 * (what the gateway sends), so the generator costs the shared two cores as little as it can. GET only.
 *
 * It must not pause either: a request's latency keeps running while the generator cannot read its answer. Each
 * socket reads into one buffer of its own (`onread`), and responses are framed in place (http-response-frame.ts).
 * Before, every read allocated a buffer and every response a string, and at 8,000 responses a second that gave
 * the generator a major GC every 1–2 s, 20–50 ms during which answered requests went unread: the p99 of a
 * server whose requests took 2 ms read 20–40 ms.
 */
export interface PacedSettings {
  /** Requests per second offered. */
  rate: number;
  /** Measured seconds. */
  duration: number;
  /** Unmeasured seconds at the same rate first. */
  warmup: number;
  /** Keep-alive connections; a due request waits for a free one (and that wait counts). */
  connections: number;
  /** Longest wait for the requests still due or in flight after the last one is due. */
  drainMs?: number;
}

export interface PacedResult {
  offered: number;
  /** Requests due in the measured run, and those that were answered. */
  due: number;
  answered: number;
  /** Answered requests per second over the measured run. */
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  /** The first non-2xx answers, for a failing run. */
  errorSamples: string[];
  /**
   * The slowest 100 ms windows of the measured run (by when requests fell due), slowest first: whether a tail
   * is spread over the run (queueing) or comes from a few stalls.
   */
  worstWindows: { atSecond: number; maxMs: number; over10Ms: number }[];
}

/** Windows of the measured run that `worstWindows` ranks. */
const WINDOW_MS = 100;

interface Slot {
  socket: net.Socket;
  /** When the request on this socket was due (ms, performance.now()), or null when idle. */
  dueAt: number | null;
  measured: boolean;
  /** The start of a response that has not fully arrived (a copy: the read buffer is reused), or null. */
  pending: Buffer | null;
}

/** Bytes per socket read: a whole response of the gateway fits many times over. */
const READ_BUFFER_BYTES = 64 * 1024;

export async function runPaced(url: string, headers: Record<string, string>, paths: readonly string[], settings: PacedSettings): Promise<PacedResult> {
  const { hostname, port } = new URL(url);
  const head = Object.entries({ host: `${hostname}:${port}`, connection: 'keep-alive', ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const encoded = paths.map((path) => Buffer.from(`GET ${path} HTTP/1.1\r\n${head}\r\n`));
  const slots = await Promise.all(Array.from({ length: settings.connections }, () => connect(hostname, Number(port), (slot, data, end) => onData(slot, data, end))));

  const measuredDue = Math.round(settings.rate * settings.duration);
  const warmupDue = Math.round(settings.rate * settings.warmup);
  const total = warmupDue + measuredDue;
  const latencies = new Float64Array(measuredDue);
  const windows = Math.ceil((settings.duration * 1000) / WINDOW_MS) + 1;
  const windowMax = new Float64Array(windows);
  const windowOver10 = new Uint32Array(windows);
  let answered = 0;
  let non2xx = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  let released = 0;
  /** Due requests no connection has taken yet: their due times, oldest first. */
  const waiting: number[] = [];
  let waitingHead = 0;
  let inFlight = 0;
  let measureStart = 0;
  let measureEnd = 0;
  const start = performance.now();
  const dueAt = (k: number) => start + (k * 1000) / settings.rate;

  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const done = () => released === total && waitingHead === waiting.length && inFlight === 0;

  const send = (slot: Slot) => {
    if (waitingHead === waiting.length) return;
    // Requests leave the queue in the order they fell due: the k-th taken is request k.
    const k = waitingHead;
    slot.dueAt = waiting[waitingHead++]!;
    slot.measured = k >= warmupDue;
    inFlight++;
    slot.socket.write(encoded[k % encoded.length]!);
  };

  /** Every whole response in `data[0, end)`, in order; what is left of a partial one waits in `slot.pending`. */
  const onData = (slot: Slot, data: Buffer, end: number) => {
    let start = 0;
    for (;;) {
      const response = frameResponse(data, start, end);
      if (!response) break;
      const now = performance.now();
      if (slot.measured && slot.dueAt !== null) {
        const latency = now - slot.dueAt;
        if (answered < latencies.length) latencies[answered] = latency;
        const window = Math.min(windows - 1, Math.floor((slot.dueAt - measureStart) / WINDOW_MS));
        if (latency > windowMax[window]!) windowMax[window] = latency;
        if (latency > 10) windowOver10[window]!++;
        answered++;
        measureEnd = now;
        if (response.status < 200 || response.status > 299) {
          non2xx++;
          if (errorSamples.length < 3) errorSamples.push(`${response.status} ${data.toString('utf8', response.bodyStart, Math.min(response.end, response.bodyStart + 300))}`);
        }
      }
      start = response.end;
      slot.dueAt = null;
      inFlight--;
      send(slot);
      if (done()) finish();
    }
    slot.pending = start < end ? Buffer.from(data.subarray(start, end)) : null;
  };

  for (const slot of slots) {
    slot.socket.on('error', () => {
      errors++;
      if (slot.dueAt !== null) inFlight--;
      slot.dueAt = null;
    });
  }

  // Release what is due every millisecond (Node's timer floor); a request's latency still starts at its own due time.
  const tick = () => {
    const now = performance.now();
    while (released < total && dueAt(released) <= now) {
      if (released === warmupDue) measureStart = dueAt(released);
      waiting.push(dueAt(released++));
    }
    for (const slot of slots) if (slot.dueAt === null && !slot.socket.destroyed) send(slot);
    if (released < total) timer = setTimeout(tick, 1);
    else if (done()) finish();
  };
  let timer = setTimeout(tick, 0);
  const lastDue = dueAt(total - 1);
  const drain = setTimeout(finish, Math.max(0, lastDue - performance.now()) + (settings.drainMs ?? 10_000));
  await finished;
  clearTimeout(timer);
  clearTimeout(drain);
  for (const slot of slots) slot.socket.destroy();

  const measured = latencies.subarray(0, Math.min(answered, latencies.length)).sort();
  const seconds = Math.max(1e-9, (measureEnd - measureStart) / 1000);
  return {
    offered: settings.rate,
    due: measuredDue,
    answered,
    requestsPerSecond: answered / seconds,
    latencyMs: {
      p50: percentile(measured, 0.5),
      p90: percentile(measured, 0.9),
      p99: percentile(measured, 0.99),
      max: measured.length ? measured[measured.length - 1]! : NaN,
      mean: measured.length ? measured.reduce((a, b) => a + b, 0) / measured.length : NaN,
    },
    // Requests due but never answered (a drain timeout) count as errors: nothing is silently dropped.
    non2xx,
    errors: errors + (measuredDue - answered),
    errorSamples,
    worstWindows: Array.from(windowMax, (maxMs, i) => ({ atSecond: (i * WINDOW_MS) / 1000, maxMs, over10Ms: windowOver10[i]! }))
      .sort((a, b) => b.maxMs - a.maxMs)
      .slice(0, 5),
  };
}

type OnData = (slot: Slot, data: Buffer, end: number) => void;

function connect(host: string, port: number, onData: OnData): Promise<Slot> {
  return new Promise((resolve, reject) => {
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    const slot: Slot = { socket: null as unknown as net.Socket, dueAt: null, measured: false, pending: null };
    const onread = {
      buffer: readBuffer,
      // The bytes are valid only during this call: whole responses are framed in place, a partial one is copied.
      callback: (bytes: number) => {
        if (slot.pending) {
          const joined = Buffer.concat([slot.pending, readBuffer.subarray(0, bytes)]);
          onData(slot, joined, joined.length);
        } else {
          onData(slot, readBuffer, bytes);
        }
        return true;
      },
    };
    slot.socket = net.connect({ host, port, onread }, () => {
      slot.socket.setNoDelay(true);
      slot.socket.off('error', reject);
      resolve(slot);
    });
    slot.socket.once('error', reject);
  });
}

/** The value below which `q` of the sorted samples fall (nearest rank). */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
