import http from 'node:http';
import https from 'node:https';
import type { Webhook } from 'standardwebhooks';
import type { RosterdEvent } from '../events/event.js';
import { EXCERPT_BYTES, EXCERPT_CHARS, excerptOf } from './response-excerpt.js';
import { parseRetryAfter } from './retry-schedule.js';

export interface AttemptResult {
  delivered: boolean;
  /** Null when no answer came. */
  status: number | null;
  durationMs: number;
  /** The network error, timeout, or start of a non-2xx body. */
  error: string | null;
  retryAfterMs: number | null;
}

export interface WebhookRequest {
  url: string;
  signer: Webhook;
  event: RosterdEvent;
  timeoutMs: number;
  signals: readonly AbortSignal[];
}

const USER_AGENT = 'rosterd-webhooks/1';

/** Keep-alive: a handshake per event would cost more than the event. */
const AGENTS = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/**
 * Per Standard Webhooks. Redirects are failures; the whole attempt ends after `timeoutMs`. node:http rather than
 * fetch: one write for headers and body, and no per-request streams or signals.
 */
export function sendWebhook(request: WebhookRequest): Promise<AttemptResult> {
  const body = Buffer.from(JSON.stringify(request.event), 'utf8');
  const sentAt = new Date();
  const url = new URL(request.url);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    'user-agent': USER_AGENT,
    'webhook-id': request.event.id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': request.signer.sign(request.event.id, sentAt, body.toString('utf8')),
  };
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<AttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const signal of request.signals) signal.removeEventListener('abort', onAbort);
      resolve({ ...result, durationMs: Math.round(performance.now() - started) });
    };
    const failed = (error: string) => finish({ delivered: false, status: null, error: error.slice(0, EXCERPT_CHARS), retryAfterMs: null });
    const client = url.protocol === 'https:' ? https : http;
    const outgoing = client.request(url, { method: 'POST', headers, agent: AGENTS[url.protocol as keyof typeof AGENTS] }, (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        // Keep only the excerpt; read and drop the rest so the connection can be reused.
        if (size < EXCERPT_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('error', (error) => failed(describeNetworkError(error)));
      response.on('end', () => {
        if (status >= 200 && status < 300) return finish({ delivered: true, status, error: null, retryAfterMs: null });
        const location = response.headers.location;
        const redirect = status >= 300 && status < 400 ? `redirect to ${location ?? '(no location)'} not followed` : null;
        const retryAfter = response.headers['retry-after'];
        finish({ delivered: false, status, error: (redirect ?? excerptOf(Buffer.concat(chunks))).slice(0, EXCERPT_CHARS), retryAfterMs: parseRetryAfter(retryAfter ?? null, Date.now()) });
      });
    });
    const onAbort = () => {
      outgoing.destroy();
      failed('stopped');
    };
    const timer = setTimeout(() => {
      outgoing.destroy();
      failed(`no answer within ${request.timeoutMs} ms`);
    }, request.timeoutMs);
    for (const signal of request.signals) {
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
    }
    outgoing.on('error', (error) => failed(describeNetworkError(error)));
    outgoing.end(body);
  });
}

function describeNetworkError(error: Error & { code?: string }): string {
  if (error.code && error.message) return error.message.includes(error.code) ? error.message : `${error.code}: ${error.message}`;
  return error.message || String(error);
}
