import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { touchAppKey } from '../store/app-key-repository.js';
import { allEventsRoute } from './all-events-route.js';
import { AppApiError } from './app-api-error.js';
import { authenticateApp } from './app-auth.js';
import { appErrorHandler } from './app-error-handler.js';
import type { AppRouteOptions } from './app-route-options.js';
import { groupRoutes } from './group-routes.js';
import { memberRoutes } from './member-routes.js';
import { workspaceEventRoutes } from './workspace-event-routes.js';

export interface AppApiPluginOptions extends AppRouteOptions {
  clock?: () => Date;
}

export const APP_API_PREFIX = '/api/v1';

/** Record a key's use at most once a minute, so authentication stays a read. */
const TOUCH_INTERVAL_MS = 60_000;

/** What the vendor's backend reads (members, groups, event feeds), with app-key auth and an OpenAPI document. */
export async function appApiPlugin(app: FastifyInstance, options: AppApiPluginOptions): Promise<void> {
  const clock = options.clock ?? (() => new Date());
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'rosterd app API',
        version: '1',
        description:
          "Read a workspace's members and groups, then follow its events. List every page (each cut at the listing's `eventSeq`), then follow `/events?after=eventSeq`: every change reaches the app exactly once.",
      },
      components: { securitySchemes: { appKey: { type: 'http', scheme: 'bearer', description: 'An app key: rosterd app-key create' } } },
      security: [{ appKey: [] }],
    },
  });
  app.setErrorHandler(appErrorHandler);
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0]!.slice(0, 200);
    await appErrorHandler(new AppApiError('not_found', `no app API endpoint ${request.method} ${path}; see ${APP_API_PREFIX}/openapi.json`), request, reply);
  });
  app.decorateRequest('appKey', null);

  // Public: it names no tenant and holds no secret.
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const { store, heavyGate } = options;
  await app.register(async (authed) => {
    const lastTouched = new Map<string, number>();
    authed.addHook('onRequest', async (request) => {
      const principal = await authenticateApp(store, request.headers.authorization);
      const now = clock().getTime();
      const lastUse = Math.max(principal.lastUsedAt ? Date.parse(principal.lastUsedAt) : 0, lastTouched.get(principal.keyId) ?? 0);
      if (now - lastUse > TOUCH_INTERVAL_MS) {
        lastTouched.set(principal.keyId, now);
        touchAppKey(store.db, principal.keyId, new Date(now).toISOString()).catch((err: unknown) => request.log.warn({ err }, 'could not record app key use'));
      }
      request.appKey = principal;
    });
    const routeOptions: AppRouteOptions = { store, heavyGate };
    await authed.register(memberRoutes, routeOptions);
    await authed.register(groupRoutes, routeOptions);
    await authed.register(workspaceEventRoutes, routeOptions);
    await authed.register(allEventsRoute, routeOptions);
  });
}
