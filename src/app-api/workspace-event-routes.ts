import type { FastifyInstance } from 'fastify';
import type { RosterdEvent } from '../events/event.js';
import { lastEventSeq, readEvents } from '../store/event-repository.js';
import { AppApiError } from './app-api-error.js';
import { checkReach, workspaceNotFound } from './app-auth.js';
import { principalOf, type AppRouteOptions } from './app-route-options.js';
import { errorResponses, eventSchema, limitQuery, waitQuery, workspaceParams } from './app-schemas.js';
import { disconnectSignal, longPoll } from './long-poll.js';

interface EventsQuery {
  after: number;
  limit: number;
  wait: number;
}

/**
 * Sequences are gapless and retention deletes a prefix, so a first event other than `after + 1` means events were
 * pruned: 410 cursor_expired, and the app lists again.
 */
export async function workspaceEvents(options: AppRouteOptions, workspaceId: string, after: number, limit: number): Promise<RosterdEvent[]> {
  const db = options.store.heavyReads;
  // Last seq first: everything up to it has committed, so the read sees it all.
  const last = await lastEventSeq(db, workspaceId);
  if (last === undefined) throw workspaceNotFound(workspaceId);
  if (after > last) {
    throw new AppApiError('invalid_after', `after=${after} is past workspace "${workspaceId}"'s last event (${last}): pass nextAfter or a listing's eventSeq from this gateway`);
  }
  if (after === last) return [];
  const events = await readEvents(db, workspaceId, after, limit);
  if (events[0]?.seq !== after + 1) {
    throw new AppApiError(
      'cursor_expired',
      `the events of workspace "${workspaceId}" right after ${after} are past retention (events.retentionDays) and gone: list the members and groups again and follow from the eventSeq of that listing`,
    );
  }
  return events;
}

export async function workspaceEventRoutes(app: FastifyInstance, options: AppRouteOptions): Promise<void> {
  app.get<{ Params: { ws: string }; Querystring: EventsQuery }>(
    '/workspaces/:ws/events',
    {
      schema: {
        summary: "Follow a workspace's events",
        description:
          'Events after `after` in sequence order. With `wait` and nothing after `after`, answers as soon as an event commits, or empty when the wait ends. Pass `nextAfter` as the next `after`.',
        tags: ['events'],
        params: workspaceParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'integer', minimum: 0, default: 0, description: 'The last sequence already seen: a listing’s eventSeq, or the previous nextAfter.' },
            limit: limitQuery,
            wait: waitQuery,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['data', 'nextAfter'],
            additionalProperties: false,
            properties: {
              data: { type: 'array', items: eventSchema },
              nextAfter: { type: 'integer', description: 'The sequence of the last event returned, or `after` when none was.' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const workspaceId = request.params.ws;
      checkReach(principalOf(request), workspaceId);
      const { after, limit, wait } = request.query;
      const data = await longPoll({
        read: () => workspaceEvents(options, workspaceId, after, limit),
        isEmpty: (events) => events.length === 0,
        waitForMore: (timeoutMs, signal) => options.store.events.waitFor(workspaceId, after, timeoutMs, signal),
        waitMs: wait * 1000,
        signal: disconnectSignal(reply),
      });
      return { data, nextAfter: data.length > 0 ? data[data.length - 1]!.seq : after };
    },
  );
}
