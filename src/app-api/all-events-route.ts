import type { FastifyInstance } from 'fastify';
import type { RosterdEvent } from '../events/event.js';
import { firstRetainedSeq, lastEventSeqs, readEvents } from '../store/event-repository.js';
import { AppApiError } from './app-api-error.js';
import { principalOf, type AppRouteOptions } from './app-route-options.js';
import { cursorQuery, errorResponses, eventSchema, limitQuery, waitQuery } from './app-schemas.js';
import { decodeFeedCursor, encodeFeedCursor, type FeedPosition } from './feed-cursor.js';
import { disconnectSignal, longPoll } from './long-poll.js';

interface FeedQuery {
  cursor?: string;
  limit: number;
  wait: number;
}

interface FeedPage {
  data: RosterdEvent[];
  nextCursor: string;
}

/** Without a cursor, start at each workspace's oldest kept event: the app has seen nothing, so retention hid nothing. */
async function startingPosition(options: AppRouteOptions, lasts: ReadonlyMap<string, number>): Promise<FeedPosition> {
  const seqs = new Map<string, number>();
  for (const [workspaceId, last] of lasts) {
    if (last === 0) continue;
    const first = await firstRetainedSeq(options.store.heavyReads, workspaceId);
    seqs.set(workspaceId, first === undefined ? last : first - 1);
  }
  return { seqs, readLast: null };
}

/** Starting after the workspace read last, wrapping around. */
function pendingInTurn(lasts: ReadonlyMap<string, number>, position: FeedPosition): string[] {
  const pending = [...lasts.keys()].filter((ws) => lasts.get(ws)! > (position.seqs.get(ws) ?? 0)).sort();
  if (position.readLast === null) return pending;
  const start = pending.findIndex((ws) => ws > position.readLast!);
  return start <= 0 ? pending : [...pending.slice(start), ...pending.slice(0, start)];
}

/** Up to `limit` events shared among workspaces with news, each in order. Deleted workspaces drop out; new ones start at 0. */
export async function feedPage(options: AppRouteOptions, cursor: FeedPosition | null, limit: number): Promise<FeedPage> {
  const db = options.store.heavyReads;
  // Last seqs first: everything up to them has committed, so the reads see it all.
  const lasts = await lastEventSeqs(db);
  const from = cursor ?? (await startingPosition(options, lasts));
  const seqs = new Map<string, number>();
  for (const workspaceId of lasts.keys()) seqs.set(workspaceId, from.seqs.get(workspaceId) ?? 0);
  const pending = pendingInTurn(lasts, from);
  const share = Math.max(1, Math.ceil(limit / Math.max(1, pending.length)));
  const data: RosterdEvent[] = [];
  let readLast = from.readLast;
  for (const workspaceId of pending) {
    const remaining = limit - data.length;
    if (remaining <= 0) break;
    const after = seqs.get(workspaceId)!;
    const events = await readEvents(db, workspaceId, after, Math.min(share, remaining));
    if (events[0]?.seq !== after + 1) {
      throw new AppApiError(
        'cursor_expired',
        `the events of workspace "${workspaceId}" right after ${after} are past retention (events.retentionDays) and gone: list that workspace again and restart the feed without a cursor`,
      );
    }
    data.push(...events);
    seqs.set(workspaceId, events[events.length - 1]!.seq);
    readLast = workspaceId;
  }
  return { data, nextCursor: encodeFeedCursor({ seqs, readLast }) };
}

/** For an all-workspaces key. */
export async function allEventsRoute(app: FastifyInstance, options: AppRouteOptions): Promise<void> {
  app.get<{ Querystring: FeedQuery }>(
    '/events',
    {
      schema: {
        summary: "Follow every workspace's events (all-workspaces keys)",
        description:
          "Events of every workspace after the cursor's position, each workspace's in sequence order (no order across workspaces). Pass `nextCursor` as the next `cursor`; without one the feed starts at each workspace's oldest event kept. With `wait` and nothing new, answers as soon as an event commits, or empty when the wait ends.",
        tags: ['events'],
        querystring: { type: 'object', additionalProperties: false, properties: { cursor: cursorQuery, limit: limitQuery, wait: waitQuery } },
        response: {
          200: {
            type: 'object',
            required: ['data', 'nextCursor'],
            additionalProperties: false,
            properties: { data: { type: 'array', items: eventSchema }, nextCursor: { type: 'string', description: 'Pass as `cursor` next time, also after an empty answer.' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.workspaceId !== null) {
        throw new AppApiError('forbidden', `this app key reaches one workspace only; follow its events at /api/v1/workspaces/${principal.workspaceId}/events`);
      }
      const { limit, wait } = request.query;
      const cursor = request.query.cursor === undefined ? null : decodeFeedCursor(request.query.cursor);
      // Counted from before the first read, so a commit during a read wakes the wait after it.
      let announced = 0;
      let seenAtRead = 0;
      const stop = options.store.events.subscribe(() => announced++);
      try {
        return await longPoll({
          read: () => {
            seenAtRead = announced;
            return feedPage(options, cursor, limit);
          },
          isEmpty: (page) => page.data.length === 0,
          waitForMore: async (timeoutMs, signal) => announced !== seenAtRead || options.store.events.waitForAny(timeoutMs, signal),
          waitMs: wait * 1000,
          signal: disconnectSignal(reply),
        });
      } finally {
        stop();
      }
    },
  );
}
