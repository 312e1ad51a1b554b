import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { APP_API_PREFIX, appApiPlugin } from '../app-api/app-api-plugin.js';
import type { Config } from '../config/config-schema.js';
import { CONSOLE_PREFIX, consolePlugin } from '../console/console-plugin.js';
import type { Logger } from '../log/create-logger.js';
import { lazyChildLogger } from '../log/lazy-child-logger.js';
import { requestLogLine } from '../log/request-log-line.js';
import type { Store } from '../store/create-db.js';
import { HeavyRequestGate } from '../scim/heavy-request-gate.js';
import { scimClientErrorHandler } from '../scim/client-error-handler.js';
import { MAX_PARAM_LENGTH, scimErrorHandler } from '../scim/scim-error-handler.js';
import { scimPlugin } from '../scim/scim-plugin.js';
import { createMetrics, type Metrics } from './metrics.js';

export interface ServerDeps {
  store: Store;
  config: Readonly<Config>;
  log: Logger;
  clock?: () => Date;
  /**
   * The gateway's metrics (the scheduler records its cycles there too). When omitted (tests, benchmarks), a
   * fresh set without the process metrics, which a process should collect only once.
   */
  metrics?: Metrics;
}

/** Ops endpoints: not SCIM traffic, so not counted in rosterd_scim_requests_total. */
const OPS_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

export const ORGANIZATION_BASE = '/scim/v2/organizations/:workspaceId';

/**
 * The HTTP face of rosterd: SCIM at /scim/v2/organizations/{id} and the configured mounts, the app API, the web
 * console, health checks and Prometheus metrics.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, store } = deps;
  const app = Fastify({
    // Fastify types its own logger interface; a pino logger is one.
    loggerInstance: deps.log as unknown as FastifyBaseLogger,
    bodyLimit: config.server.bodyLimit,
    trustProxy: config.server.trustProxy,
    // One line per request comes from our own onResponse hook (below), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Made on first use: most requests never log (see lazy-child-logger.ts).
    childLoggerFactory: lazyChildLogger,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: MAX_PARAM_LENGTH },
    // What fails before a route is found (an id over maxParamLength, a malformed URL) or before a request is parsed
    // (headers too large, bad framing) is answered as a SCIM Error too, never with the framework's own JSON.
    frameworkErrors: (error, request, reply) => scimErrorHandler(error, request, reply),
    clientErrorHandler: scimClientErrorHandler,
  });
  app.decorateRequest('scim', null);
  const metrics = deps.metrics ?? createMetrics({ db: store.db, log: deps.log, processMetrics: false, ...(deps.clock ? { clock: deps.clock } : {}) });

  // The route template (`/scim/v2/organizations/:workspaceId/Users/:id`), never the raw URL: ids and filters in
  // URLs are unbounded, and each distinct label value is a new time series.
  // A callback hook, not an async one: no promise per request on the SCIM hot path.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route === undefined || !OPS_ROUTES.has(route)) metrics.observeRequest(route, request.method, reply.statusCode);
    done();
  });

  if (config.log.requests) {
    const line = requestLogLine(deps.log);
    app.addHook('onResponse', (request, reply, done) => {
      line(request, reply);
      done();
    });
  }

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(store.db);
      return { status: 'ready', database: store.dialect.name };
    } catch (error) {
      // 503 takes this instance out of the load balancer until the database answers again; the process stays up.
      return reply.code(503).send({ status: 'unavailable', database: store.dialect.name, error: `the database does not answer: ${(error as Error).message}` });
    }
  });

  // Outside the SCIM plugins, so no API key is asked for: it is for the operator's Prometheus, which should reach
  // it on a private network. Do not expose /metrics publicly (it names workspaces and bindings).
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()));

  const limits = { defaultCount: config.scim.defaultCount, maxCount: config.scim.maxCount };
  const { budgets } = config.scim;
  // One gate for every mount: a workspace served at two paths still gets one set of turns.
  const heavyGate = new HeavyRequestGate(budgets.heavyRequestsPerWorkspace, budgets.heavyRequestQueue);
  const common = { store, limits, budgets, heavyGate, ...(config.server.publicUrl ? { publicUrl: config.server.publicUrl } : {}), ...(deps.clock ? { clock: deps.clock } : {}) };
  await app.register(scimPlugin, { ...common, prefix: ORGANIZATION_BASE, basePath: ORGANIZATION_BASE });
  for (const mount of config.scim.mounts) {
    await app.register(scimPlugin, { ...common, prefix: mount.path, basePath: mount.path, workspaceId: mount.workspace });
  }
  // The vendor's backend: app keys, members, groups and event feeds (src/app-api).
  await app.register(appApiPlugin, { prefix: APP_API_PREFIX, store, heavyGate, ...(deps.clock ? { clock: deps.clock } : {}) });
  // The web console for admins: admin keys, server-rendered pages (src/console).
  if (config.console.enabled) await app.register(consolePlugin, { prefix: CONSOLE_PREFIX, store, config, log: deps.log, ...(deps.clock ? { clock: deps.clock } : {}) });
  return app;
}
