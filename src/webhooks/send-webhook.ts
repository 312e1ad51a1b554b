import type { Webhook } from 'standardwebhooks';
import type { RosterdEvent } from '../events/event.js';
import { parseRetryAfter } from './retry-schedule.js';
import { EXCERPT_CHARS, responseExcerpt } from './response-excerpt.js';

/** What one delivery attempt came to. */
export interface AttemptResult {
  /** The receiver accepted the event (a 2xx answer). */
  delivered: boolean;
  /** The answer's status; null when none came (network error, timeout). */
  status: number | null;
  durationMs: number;
  /** Why it failed: the network error or timeout, or the start of a non-2xx answer's body. */
  error: string | null;
  /** What the receiver's Retry-After asked for, in milliseconds. */
  retryAfterMs: number | null;
}

export interface WebhookRequest {
  url: string;
  /** Signs with the endpoint's secret. */
  signer: Webhook;
  event: RosterdEvent;
  timeoutMs: number;
  /** Aborts the attempt when the dispatcher stops or loses the endpoint's lease. */
  signal: AbortSignal;
}

const USER_AGENT = 'rosterd-webhooks/1';

/**
 * POST one event as Standard Webhooks describes: `webhook-id` is the event id (a receiver drops what it has seen),
 * `webhook-timestamp` the attempt's time in seconds, `webhook-signature` the HMAC of id, timestamp and body. Redirects
 * are not followed (a 3xx is a failure), and the attempt, answer included, ends after `timeoutMs`.
 */
export async function sendWebhook(request: WebhookRequest): Promise<AttemptResult> {
  const body = JSON.stringify(request.event);
  const sentAt = new Date();
  const headers = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': request.event.id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': request.signer.sign(request.event.id, sentAt, body),
  };
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = AbortSignal.any([timeout, request.signal]);
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(request.url, { method: 'POST', headers, body, redirect: 'manual', signal });
    if (response.status >= 200 && response.status < 300) {
      // Accepted with the status; the body is read (so the connection can be reused) but not waited on past the timeout.
      await responseExcerpt(response).catch(() => undefined);
      return { delivered: true, status: response.status, durationMs: took(), error: null, retryAfterMs: null };
    }
    const excerpt = await responseExcerpt(response);
    const redirect = response.status >= 300 && response.status < 400 ? `redirect to ${response.headers.get('location') ?? '(no location)'} not followed` : null;
    return {
      delivered: false,
      status: response.status,
      durationMs: took(),
      error: (redirect ?? excerpt).slice(0, EXCERPT_CHARS),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
    };
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${request.timeoutMs} ms` : request.signal.aborted ? 'stopped' : describeNetworkError(error);
    return { delivered: false, status: null, durationMs: took(), error: reason.slice(0, EXCERPT_CHARS), retryAfterMs: null };
  }
}

/** fetch's TypeError says only "fetch failed"; its cause says what (ECONNREFUSED, a TLS error, …). */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code && cause.message) return cause.message.includes(cause.code) ? cause.message : `${cause.code}: ${cause.message}`;
  return cause?.message ?? (error as Error).message ?? String(error);
}
