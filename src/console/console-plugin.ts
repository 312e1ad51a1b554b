import fastifyCookie from '@fastify/cookie';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../log/create-logger.js';
import type { Store } from '../store/store.js';
import { csrfProtectionOptions } from './console-csrf.js';
import { ConsoleError } from './console-error.js';
import { consoleErrorHandler } from './console-error-handler.js';
import type { ConsoleRouteOptions } from './console-route-options.js';
import { CONSOLE_ICON, CONSOLE_STYLESHEET } from './console-assets.js';
import { overviewRoute } from './overview-route.js';
import { planRoutes } from './plan-routes.js';
import { setSecurityHeaders } from './security-headers.js';
import { requireSession, signInRoutes, signOutRoute } from './sign-in-routes.js';
import { workspaceRoutes } from './workspace-routes.js';

export interface ConsolePluginOptions {
  store: Store;
  config: Readonly<Config>;
  log: Logger;
  clock?: () => Date;
}

export const CONSOLE_PREFIX = '/console';

/** Forms carry a key, a search or a user name: far below SCIM's bodyLimit. */
const FORM_BODY_LIMIT = 64 * 1024;

/**
 * Server-rendered pages for the people who run provisioning; admin keys sign in. Cookies, form parsing, CSRF and the
 * HTML error handler are registered in this plugin's scope only, so SCIM and the app API keep theirs.
 */
export async function consolePlugin(app: FastifyInstance, options: ConsolePluginOptions): Promise<void> {
  const routeOptions: ConsoleRouteOptions = { store: options.store, config: options.config, log: options.log, clock: options.clock ?? (() => new Date()) };
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: FORM_BODY_LIMIT });
  await app.register(fastifyCsrfProtection, csrfProtectionOptions);
  app.decorateRequest('consoleSession', null);
  app.setErrorHandler(consoleErrorHandler);
  // Without a session an unknown page is a 401 like any other, so nothing reveals which URLs exist.
  const sessionOf = requireSession(routeOptions);
  app.setNotFoundHandler(async (request, reply) => {
    if ((await sessionOf(request, reply)) !== undefined) return;
    const path = request.url.split('?')[0]!.slice(0, 200);
    await consoleErrorHandler(new ConsoleError(404, 'Not found', `There is no console page at ${path}.`), request, reply);
  });
  app.addHook('onRequest', async (_request, reply) => setSecurityHeaders(reply));

  // Public: the sign-in page needs them, and they hold only styles and a picture.
  app.get('/console.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CONSOLE_STYLESHEET));
  app.get('/icon.svg', async (_request, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(CONSOLE_ICON));
  await app.register(signInRoutes, routeOptions);

  await app.register(async (signedIn) => {
    signedIn.addHook('onRequest', requireSession(routeOptions));
    // After body parsing (the token is a form field) and the session hook (the token is bound to it).
    signedIn.addHook('preHandler', (request, reply, done) => (request.method === 'POST' ? app.csrfProtection(request, reply, done) : done()));
    await signedIn.register(signOutRoute, routeOptions);
    await signedIn.register(overviewRoute, routeOptions);
    await signedIn.register(workspaceRoutes, routeOptions);
    await signedIn.register(planRoutes, routeOptions);
  });
}
