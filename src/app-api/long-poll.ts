import type { FastifyReply } from 'fastify';
import { abortableDelay } from '../connector/abortable-delay.js';

/**
 * How often a waiting poll reads the log although nothing woke it: a CLI process writing on SQLite cannot wake the
 * daemon's bus, so its events are found at the latest this long after they commit.
 */
export const RECHECK_MS = 5_000;

/** Aborts when the client goes away before its answer is written, so a long poll stops waiting for nobody. */
export function disconnectSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * Reads once, and while the answer is empty waits for a commit to be announced (or RECHECK_MS) and reads again,
 * until `waitMs` has passed or `signal` aborts; then answers with what the last read found, possibly nothing.
 * A wake that finds nothing (an announcement the read had already covered) is followed by a plain pause rather than
 * another wait, which would return at once.
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
