import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { APP_API_PREFIX, appApiPlugin } from '../app-api/app-api-plugin.js';
import type { Config } from '../config/config-schema.js';
import { CONSOLE_PREFIX, consolePlugin } from '../console/console-plugin.js';
import type { Logger } from '../log/create-logger.js';
import { lazyChildLogger } from '../log/lazy-child-logger.js';
import { requestLogLine } from '../log/request-log-line.js';
import type { Store } from '../store/store.js';
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
  /** Default: a fresh set without process metrics, which a process collects only once. */
  metrics?: Metrics;
  /** Where the request lines go (createRequestLogger in a gateway process); else `log`, without its redaction. */
  requestLog?: Logger;
}

/** Not SCIM traffic, so not counted. */
const OPS_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

export const ORGANIZATION_BASE = '/scim/v2/organizations/:workspaceId';

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, store } = deps;
  const app = Fastify({
    loggerInstance: deps.log as unknown as FastifyBaseLogger,
    bodyLimit: config.server.bodyLimit,
    trustProxy: config.server.trustProxy,
    // Our own onResponse hook logs one line per request.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: MAX_PARAM_LENGTH },
    // Failures before routing or parsing are answered as SCIM Errors too, never with the framework's own JSON.
    frameworkErrors: (error, request, reply) => scimErrorHandler(error, request, reply),
    clientErrorHandler: scimClientErrorHandler,
  });
  app.decorateRequest('scim', null);
  const metrics = deps.metrics ?? createMetrics({ db: store.db, log: deps.log, processMetrics: false, ...(deps.clock ? { clock: deps.clock } : {}) });

  // Route template, never raw URL: each label value is a new series. A callback hook avoids a promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route === undefined || !OPS_ROUTES.has(route)) metrics.observeRequest(route, request.method, reply.statusCode);
    done();
  });

  if (config.log.requests) {
    const line = requestLogLine(deps.requestLog ?? deps.log.child({}, { redact: { paths: [] } }));
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
      // 503 takes this instance out of the load balancer; the process stays up.
      return reply.code(503).send({ status: 'unavailable', database: store.dialect.name, error: `the database does not answer: ${(error as Error).message}` });
    }
  });

  // Unauthenticated, for Prometheus on a private network. Never expose it publicly: it names workspaces.
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()));

  const limits = { defaultCount: config.scim.defaultCount, maxCount: config.scim.maxCount };
  const { budgets } = config.scim;
  // One gate for all mounts: a workspace served at two paths still gets one set of turns.
  const heavyGate = new HeavyRequestGate(budgets.heavyRequestsPerWorkspace, budgets.heavyRequestQueue);
  const common = { store, limits, budgets, heavyGate, ...(config.server.publicUrl ? { publicUrl: config.server.publicUrl } : {}), ...(deps.clock ? { clock: deps.clock } : {}) };
  await app.register(scimPlugin, { ...common, prefix: ORGANIZATION_BASE, basePath: ORGANIZATION_BASE });
  for (const mount of config.scim.mounts) {
    await app.register(scimPlugin, { ...common, prefix: mount.path, basePath: mount.path, workspaceId: mount.workspace });
  }
  await app.register(appApiPlugin, { prefix: APP_API_PREFIX, store, heavyGate, ...(deps.clock ? { clock: deps.clock } : {}) });
  if (config.console.enabled) await app.register(consolePlugin, { prefix: CONSOLE_PREFIX, store, config, log: deps.log, ...(deps.clock ? { clock: deps.clock } : {}) });
  return app;
}
