import type { FastifyInstance } from 'fastify';
import { appMemberOf } from '../events/app-resources.js';
import { findMemberById } from '../store/member-repository.js';
import { rowToMember } from '../store/member-row.js';
import { AppApiError } from './app-api-error.js';
import { checkReach } from './app-auth.js';
import { memberPage, type MemberFilters } from './app-listings.js';
import { principalOf, type AppRouteOptions } from './app-route-options.js';
import { appMemberSchema, cursorQuery, errorResponses, limitQuery, listingSchema, resourceParams, workspaceParams } from './app-schemas.js';
import { listingPage } from './listing-page.js';
import { listingKey } from './listing-cursor.js';

interface MemberListQuery extends MemberFilters {
  limit: number;
  cursor?: string;
}

const shortText = { type: 'string', minLength: 1, maxLength: 500 } as const;

export async function memberRoutes(app: FastifyInstance, options: AppRouteOptions): Promise<void> {
  app.get<{ Params: { ws: string }; Querystring: MemberListQuery }>(
    '/workspaces/:ws/members',
    {
      schema: {
        summary: "List a workspace's members",
        description: 'Pages in id order. Every page holds only members written at or before `eventSeq`; follow `/events?after=eventSeq` after the last page.',
        tags: ['members'],
        params: workspaceParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: limitQuery,
            cursor: cursorQuery,
            active: { type: 'boolean', description: 'Only active (true) or suspended (false) members.' },
            role: { ...shortText, description: 'V2 workspaces: only members with this role.' },
            seatType: { ...shortText, description: 'V1 workspaces: only members in this seat.' },
            group: { ...shortText, description: 'Only members of the group with this id (their link to it also written at or before eventSeq).' },
          },
        },
        response: { 200: listingSchema(appMemberSchema), ...errorResponses },
      },
    },
    async (request) => {
      const workspaceId = request.params.ws;
      checkReach(principalOf(request), workspaceId);
      const { limit, cursor, ...filters } = request.query;
      return listingPage(options, {
        workspaceId,
        listing: listingKey(`members/${workspaceId}`, { ...filters }),
        cursor,
        limit,
        read: (db, window) => memberPage(db, workspaceId, filters, window),
        keyOf: (row) => row.id,
        toItem: (row) => appMemberOf(rowToMember(row)),
      });
    },
  );

  app.get<{ Params: { ws: string; id: string } }>(
    '/workspaces/:ws/members/:id',
    {
      schema: {
        summary: 'Read one member as it is now',
        tags: ['members'],
        params: resourceParams,
        response: { 200: appMemberSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { ws, id } = request.params;
      checkReach(principalOf(request), ws);
      const member = await findMemberById(options.store.db, ws, id);
      if (!member) throw new AppApiError('not_found', `workspace "${ws.slice(0, 100)}" has no member with id "${id.slice(0, 100)}"`);
      return appMemberOf(member);
    },
  );
}
