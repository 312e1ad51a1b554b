import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import { abortableDelay } from '../../src/connector/abortable-delay.js';

/**
 * The connector's own steps in the Graph SDK's middleware chain: the abort signal of the read a request belongs to
 * (carried per request as a middleware option), a retry of throttling whose wait ends when that read is aborted,
 * and a time limit per attempt that the abort also ends.
 */

/** The AbortSignal of the read a request belongs to, passed with `GraphRequest.middlewareOptions`. */
export class ReadSignal implements MiddlewareOptions {
  constructor(readonly signal: AbortSignal) {}
}

function readSignalOf(context: Context): AbortSignal | undefined {
  return (context.middlewareControl?.getMiddlewareOptions(ReadSignal) as ReadSignal | undefined)?.signal;
}

const RETRY_STATUSES = new Set([429, 503, 504]);
const MAX_RETRY_DELAY_SECONDS = 180;

/**
 * Seconds to wait before retry number `retry` (0 for the first): Retry-After in seconds or as an HTTP date, else
 * exponential backoff as Microsoft's throttling guidance asks; never over 3 minutes.
 */
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

/** Sets a request header; the connector's requests are url strings with their headers in the fetch options. */
function setHeader(context: Context, name: string, value: string): void {
  const headers = context.options?.headers;
  if (headers instanceof Headers) headers.set(name, value);
  else context.options = { ...context.options, headers: { ...(headers as Record<string, string> | undefined), [name]: value } };
}

/**
 * Retries Graph's throttling answers (429, 503, 504) after their Retry-After, at most
 * `maxRetries` times, marking each retry with `Retry-Attempt` as the SDK's RetryHandler does. Unlike the SDK's
 * handler, its wait ends as soon as the read is aborted, so a shutdown never sits out a Retry-After.
 */
export class RetryAfterHandler implements Middleware {
  private next?: Middleware;

  constructor(private readonly maxRetries: number) {}

  async execute(context: Context): Promise<void> {
    const signal = readSignalOf(context);
    for (let retry = 0; ; retry++) {
      await this.next!.execute(context);
      const response = context.response;
      if (response === undefined || !RETRY_STATUSES.has(response.status) || retry >= this.maxRetries) return;
      // The throttled answer is dropped: release its connection.
      await response.body?.cancel().catch(() => undefined);
      setHeader(context, 'Retry-Attempt', String(retry + 1));
      await abortableDelay(retryDelaySeconds(response.headers.get('retry-after'), retry) * 1000, signal);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * A time limit per attempt (the SDK has none, and undici would wait minutes for a stalled response), joined with
 * the read's abort signal, so aborting the read cancels the request in flight.
 */
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
