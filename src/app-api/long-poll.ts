import type { FastifyReply } from 'fastify';
import { abortableDelay } from '../connector/abortable-delay.js';

/** A CLI process writing on SQLite cannot wake the daemon's bus, so polls also re-read this often. */
export const RECHECK_MS = 5_000;

/** So a long poll stops waiting for a client that left. */
export function disconnectSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * Reads, and while empty waits for an announcement (or RECHECK_MS) and reads again, until `waitMs` or abort. A wake
 * that finds nothing is followed by a plain pause, since another wait would return at once.
 */
export async function longPoll<R>(options: {
  read: () => Promise<R>;
  isEmpty: (result: R) => boolean;
  waitForMore: (timeoutMs: number, signal: AbortSignal) => Promise<boolean>;
  waitMs: number;
  signal: AbortSignal;
}): Promise<R> {
  const { read, isEmpty, waitForMore, signal } = options;
  const deadline = Date.now() + options.waitMs;
  let result = await read();
  let trustWake = true;
  while (isEmpty(result) && !signal.aborted) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const slice = Math.min(left, RECHECK_MS);
    let woke = false;
    if (trustWake) woke = await waitForMore(slice, signal);
    else await abortableDelay(slice, signal).catch(() => undefined);
    if (signal.aborted) break;
    result = await read();
    trustWake = !(woke && isEmpty(result));
  }
  return result;
}
