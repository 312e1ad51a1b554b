import type { FastifyInstance } from 'fastify';
import type { JsonObject } from '../json-object.js';
import { scimContext, type ScimContext } from '../scim-context.js';
import { SCIM_CONTENT_TYPE } from '../scim-error-handler.js';
import { notFound } from '../scim-error.js';
import { advertisedUserSchemas } from '../schema/advertised-user-schemas.js';
import { GROUP_SCHEMAS, userSchemasOf } from '../schema/workspace-schemas.js';
import type { ScimSchema } from '../schema/schema-attribute.js';
import { URN } from '../scim-urn.js';
import { valueExcerpt } from '../../model/value-excerpt.js';
import { listResponse } from './list-response.js';

/** What this server really supports, for this workspace. */
function serviceProviderConfig(ctx: ScimContext): JsonObject {
  return {
    schemas: [URN.serviceProviderConfig],
    documentationUri: 'https://github.com/rosterd/rosterd#readme',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: ctx.limits.maxCount },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Workspace API key',
        description: 'A workspace API key sent as "Authorization: Bearer <key>" (the bare key is accepted too).',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${ctx.baseUrl}/ServiceProviderConfig` },
  };
}

function resourceTypes(ctx: ScimContext): JsonObject[] {
  const extensions = userSchemasOf(ctx.workspace).extensions;
  return [
    {
      schemas: [URN.resourceType],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A membership of this workspace',
      schema: URN.user,
      schemaExtensions: extensions.map((s) => ({ schema: s.id, required: false })),
      meta: { resourceType: 'ResourceType', location: `${ctx.baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: [URN.resourceType],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A group (or project) of this workspace',
      schema: URN.group,
      meta: { resourceType: 'ResourceType', location: `${ctx.baseUrl}/ResourceTypes/Group` },
    },
  ];
}

function schemas(ctx: ScimContext): JsonObject[] {
  const user = advertisedUserSchemas(ctx.workspace);
  const all: ScimSchema[] = [user.core, ...user.extensions, GROUP_SCHEMAS.core];
  return all.map((s) => ({ schemas: [URN.schema], ...s, meta: { resourceType: 'Schema', location: `${ctx.baseUrl}/Schemas/${s.id}` } }));
}

export async function discoveryRoutes(app: FastifyInstance): Promise<void> {
  app.get('/ServiceProviderConfig', async (request, reply) => {
    reply.type(SCIM_CONTENT_TYPE);
    return serviceProviderConfig(scimContext(request));
  });
  app.get('/ResourceTypes', async (request, reply) => {
    const all = resourceTypes(scimContext(request));
    reply.type(SCIM_CONTENT_TYPE);
    return listResponse(all.length, 1, all);
  });
  app.get<{ Params: { name: string } }>('/ResourceTypes/:name', async (request, reply) => {
    const found = resourceTypes(scimContext(request)).find((r) => String(r.id).toLowerCase() === request.params.name.toLowerCase());
    if (!found) throw notFound(`no ResourceType ${valueExcerpt(request.params.name)}; this server has User and Group`);
    reply.type(SCIM_CONTENT_TYPE);
    return found;
  });
  app.get('/Schemas', async (request, reply) => {
    const all = schemas(scimContext(request));
    reply.type(SCIM_CONTENT_TYPE);
    return listResponse(all.length, 1, all);
  });
  app.get<{ Params: { id: string } }>('/Schemas/:id', async (request, reply) => {
    const found = schemas(scimContext(request)).find((s) => String(s.id).toLowerCase() === request.params.id.toLowerCase());
    if (!found) throw notFound(`no Schema ${valueExcerpt(request.params.id)}`);
    reply.type(SCIM_CONTENT_TYPE);
    return found;
  });
}
