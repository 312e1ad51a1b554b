import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import { abortableDelay } from '../../src/connector/abortable-delay.js';

/** Passed with `GraphRequest.middlewareOptions`. */
export class ReadSignal implements MiddlewareOptions {
  constructor(readonly signal: AbortSignal) {}
}

function readSignalOf(context: Context): AbortSignal | undefined {
  return (context.middlewareControl?.getMiddlewareOptions(ReadSignal) as ReadSignal | undefined)?.signal;
}

const RETRY_STATUSES = new Set([429, 503, 504]);
const MAX_RETRY_DELAY_SECONDS = 180;

/** Exponential backoff without Retry-After, as Microsoft asks. */
export function retryDelaySeconds(retryAfter: string | null | undefined, retry: number): number {
  const raw = retryAfter?.trim();
  if (raw) {
    const seconds = Number(raw);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, MAX_RETRY_DELAY_SECONDS);
    const at = Date.parse(raw);
    if (!Number.isNaN(at)) return Math.min(Math.max(0, (at - Date.now()) / 1000), MAX_RETRY_DELAY_SECONDS);
  }
  return Math.min(2 ** retry, MAX_RETRY_DELAY_SECONDS);
}

function setHeader(context: Context, name: string, value: string): void {
  const headers = context.options?.headers;
  if (headers instanceof Headers) headers.set(name, value);
  else context.options = { ...context.options, headers: { ...(headers as Record<string, string> | undefined), [name]: value } };
}

/** Like the SDK's RetryHandler, but shutdown never sits out a Retry-After. */
export class RetryAfterHandler implements Middleware {
  private next?: Middleware;

  constructor(private readonly maxRetries: number) {}

  async execute(context: Context): Promise<void> {
    const signal = readSignalOf(context);
    for (let retry = 0; ; retry++) {
      await this.next!.execute(context);
      const response = context.response;
      if (response === undefined || !RETRY_STATUSES.has(response.status) || retry >= this.maxRetries) return;
      // Release the dropped answer's connection.
      await response.body?.cancel().catch(() => undefined);
      setHeader(context, 'Retry-Attempt', String(retry + 1));
      await abortableDelay(retryDelaySeconds(response.headers.get('retry-after'), retry) * 1000, signal);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** The SDK has none, and undici would wait minutes on a stalled response. */
export class TimeoutHandler implements Middleware {
  private next?: Middleware;

  constructor(private readonly ms: number) {}

  async execute(context: Context): Promise<void> {
    const timeout = AbortSignal.timeout(this.ms);
    const read = readSignalOf(context);
    context.options = { ...context.options, signal: read ? AbortSignal.any([read, timeout]) : timeout };
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
