import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../log/create-logger.js';
import type { Store } from '../store/create-db.js';
import { scimPlugin } from '../scim/scim-plugin.js';

export interface ServerDeps {
  store: Store;
  config: Readonly<Config>;
  log: Logger;
  clock?: () => Date;
}

export const ORGANIZATION_BASE = '/scim/v2/organizations/:workspaceId';

/** The HTTP face of rosterd: SCIM at /scim/v2/organizations/{id} and the configured mounts, plus health checks. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, store } = deps;
  const app = Fastify({
    // Fastify types its own logger interface; a pino logger is one.
    loggerInstance: deps.log as unknown as FastifyBaseLogger,
    bodyLimit: config.server.bodyLimit,
    trustProxy: config.server.trustProxy,
    // One line per request comes from our own onResponse hook (below), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 },
  });
  app.decorateRequest('scim', null);

  if (config.log.requests) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        { method: request.method, route: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, workspaceId: request.scim?.workspace.id },
        'request',
      );
    });
  }

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(store.db);
      return { status: 'ready', database: store.dialect.name };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', error: (error as Error).message });
    }
  });

  const limits = { defaultCount: config.scim.defaultCount, maxCount: config.scim.maxCount };
  const common = { store, limits, ...(config.server.publicUrl ? { publicUrl: config.server.publicUrl } : {}), ...(deps.clock ? { clock: deps.clock } : {}) };
  await app.register(scimPlugin, { ...common, prefix: ORGANIZATION_BASE, basePath: ORGANIZATION_BASE });
  for (const mount of config.scim.mounts) {
    await app.register(scimPlugin, { ...common, prefix: mount.path, basePath: mount.path, workspaceId: mount.workspace });
  }
  return app;
}
