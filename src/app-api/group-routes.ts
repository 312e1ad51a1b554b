import type { FastifyInstance } from 'fastify';
import { appGroupOf } from '../events/app-resources.js';
import { findGroupById, rowToGroup } from '../store/group-repository.js';
import { AppApiError } from './app-api-error.js';
import { checkReach } from './app-auth.js';
import { groupExists, groupMemberPage, groupPage } from './app-listings.js';
import { principalOf, type AppRouteOptions } from './app-route-options.js';
import { appGroupMemberSchema, appGroupSchema, cursorQuery, errorResponses, limitQuery, listingSchema, resourceParams, workspaceParams } from './app-schemas.js';
import { listingPage } from './listing-page.js';
import { listingKey } from './listing-cursor.js';

interface PageQuery {
  limit: number;
  cursor?: string;
}

const pageQuerystring = { type: 'object', additionalProperties: false, properties: { limit: limitQuery, cursor: cursorQuery } } as const;

const groupNotFound = (ws: string, id: string) => new AppApiError('not_found', `workspace "${ws.slice(0, 100)}" has no group with id "${id.slice(0, 100)}"`);

export async function groupRoutes(app: FastifyInstance, options: AppRouteOptions): Promise<void> {
  app.get<{ Params: { ws: string }; Querystring: PageQuery }>(
    '/workspaces/:ws/groups',
    {
      schema: {
        summary: "List a workspace's groups",
        description: 'Pages in id order. Every page holds only groups written at or before `eventSeq`; follow `/events?after=eventSeq` after the last page.',
        tags: ['groups'],
        params: workspaceParams,
        querystring: pageQuerystring,
        response: { 200: listingSchema(appGroupSchema), ...errorResponses },
      },
    },
    async (request) => {
      const workspaceId = request.params.ws;
      checkReach(principalOf(request), workspaceId);
      return listingPage(options, {
        workspaceId,
        listing: listingKey(`groups/${workspaceId}`, {}),
        cursor: request.query.cursor,
        limit: request.query.limit,
        read: (db, window) => groupPage(db, workspaceId, window),
        keyOf: (row) => row.id,
        toItem: (row) => appGroupOf(rowToGroup(row)),
      });
    },
  );

  app.get<{ Params: { ws: string; id: string } }>(
    '/workspaces/:ws/groups/:id',
    {
      schema: { summary: 'Read one group as it is now', tags: ['groups'], params: resourceParams, response: { 200: appGroupSchema, ...errorResponses } },
    },
    async (request) => {
      const { ws, id } = request.params;
      checkReach(principalOf(request), ws);
      const group = await findGroupById(options.store.db, ws, id);
      if (!group) throw groupNotFound(ws, id);
      return appGroupOf(group);
    },
  );

  app.get<{ Params: { ws: string; id: string }; Querystring: PageQuery }>(
    '/workspaces/:ws/groups/:id/members',
    {
      schema: {
        summary: "List a group's members",
        description:
          "The group's member links written at or before `eventSeq`, in member id order; later changes of them arrive as group.member_added, group.member_updated and group.member_removed events. A member's removal and a group's deletion end their links without events of their own.",
        tags: ['groups'],
        params: resourceParams,
        querystring: pageQuerystring,
        response: { 200: listingSchema(appGroupMemberSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { ws, id } = request.params;
      checkReach(principalOf(request), ws);
      return listingPage(options, {
        workspaceId: ws,
        listing: listingKey(`groups/${ws}/${id}/members`, {}),
        cursor: request.query.cursor,
        limit: request.query.limit,
        firstPageCheck: async (db) => {
          if (!(await groupExists(db, ws, id))) throw groupNotFound(ws, id);
        },
        read: (db, window) => groupMemberPage(db, ws, id, window),
        keyOf: (row) => row.member.id,
        toItem: (row) => row,
      });
    },
  );
}
