import type { Logger } from '../log/create-logger.js';
import type { Store } from '../store/store.js';
import { pruneEvents } from '../store/event-repository.js';

export interface EventPrunerOptions {
  store: Store;
  retentionDays: number;
  log: Logger;
  clock?: () => Date;
  everyMs?: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Idempotent, so every instance runs it. Stopping waits for a running prune. */
export function startEventPruning(options: EventPrunerOptions): () => Promise<void> {
  const clock = options.clock ?? (() => new Date());
  let running: Promise<void> = Promise.resolve();
  const prune = () => {
    running = running.then(async () => {
      const cutoff = new Date(clock().getTime() - options.retentionDays * DAY_MS).toISOString();
      try {
        const deleted = await pruneEvents(options.store.db, cutoff);
        if (deleted > 0) options.log.info({ deleted, before: cutoff }, 'pruned old events');
      } catch (error) {
        options.log.warn({ err: error }, 'could not prune old events; trying again at the next hour');
      }
    });
  };
  prune();
  const timer = setInterval(prune, options.everyMs ?? HOUR_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
