import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';
import { touchApiKey } from '../store/api-key-repository.js';
import { apiKeyLookup } from './auth/api-key-lookup.js';
import { authenticate } from './auth/authenticate.js';
import type { ListLimits } from './list-request.js';
import type { HeavyRequestGate } from './heavy-request-gate.js';
import type { ScimBudgets } from './scim-budgets.js';
import { discoveryRoutes } from './route/discovery.js';
import { groupRoutes } from './route/groups.js';
import { rootSearchRoutes } from './route/root-search.js';
import { userRoutes } from './route/users.js';
import { scimErrorHandler, SCIM_CONTENT_TYPE } from './scim-error-handler.js';
import { notFound } from './scim-error.js';
import { checkJsonInput } from './check-json-input.js';
import { startSlice } from '../store/event-loop-slices.js';
import { useJsonBodyParser } from './json-body-parser.js';
import { EXCERPT_CHARACTERS, truncateText } from '../model/value-excerpt.js';

export interface ScimPluginOptions {
  store: Store;
  limits: ListLimits;
  budgets: Readonly<ScimBudgets>;
  heavyGate: HeavyRequestGate;
  /** Else taken from the request. */
  publicUrl?: string;
  /** For a fixed mount; else the :workspaceId route parameter. */
  workspaceId?: string;
  basePath: string;
  clock?: () => Date;
}

/** Larger bodies wait for a later event-loop turn. */
const LARGE_BODY_BYTES = 64 * 1024;

/** Keeps auth a read on the hot path. */
const TOUCH_INTERVAL_MS = 60_000;

function originOf(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}`;
}

export async function scimPlugin(app: FastifyInstance, options: ScimPluginOptions): Promise<void> {
  const clock = options.clock ?? (() => new Date());
  const now = () => clock().toISOString();
  useJsonBodyParser(app, options.budgets.jsonDepth);
  app.setErrorHandler(scimErrorHandler);
  app.setNotFoundHandler(async (request, reply) => {
    await scimErrorHandler(notFound(`no SCIM endpoint ${request.method} ${truncateText(request.url.split('?')[0]!, EXCERPT_CHARACTERS)}; resources are /Users, /Groups, /.search, /ServiceProviderConfig, /ResourceTypes and /Schemas`), request, reply);
  });

  const lastTouched = new Map<string, number>();
  const lookup = apiKeyLookup(options.store);
  app.addHook('onRequest', async (request) => {
    const workspaceId = options.workspaceId ?? (request.params as { workspaceId?: string }).workspaceId ?? '';
    const auth = await authenticate(lookup, workspaceId, request.headers.authorization);
    const nowDate = clock();
    const lastUse = Math.max(auth.lastUsedAt ? Date.parse(auth.lastUsedAt) : 0, lastTouched.get(auth.keyId) ?? 0);
    if (nowDate.getTime() - lastUse > TOUCH_INTERVAL_MS) {
      lastTouched.set(auth.keyId, nowDate.getTime());
      touchApiKey(options.store.db, auth.keyId, nowDate.toISOString()).catch((err: unknown) => request.log.warn({ err }, 'could not record API key use'));
    }
    request.scim = {
      store: options.store,
      workspace: auth.workspace,
      actor: `key:${auth.keyId}`,
      eventSource: `scim:${auth.keyName}`,
      requestId: request.id,
      baseUrl: originOf(request, options.publicUrl) + options.basePath.replace(':workspaceId', encodeURIComponent(workspaceId)),
      log: request.log.child({ workspaceId }),
      limits: options.limits,
      budgets: options.budgets,
      heavyGate: options.heavyGate,
      now,
    };
  });

  // A callback hook, not async: every request runs it and it rarely waits.
  app.addHook('preHandler', (request, _reply, done) => {
    const depth = options.budgets.jsonDepth;
    const refused = checkJsonInput(request.body, depth) ?? checkJsonInput(request.query, depth) ?? checkJsonInput(request.params, depth);
    // Let other requests run before a large body.
    if (!refused && Number(request.headers['content-length'] ?? 0) > LARGE_BODY_BYTES) {
      setImmediate(() => {
        startSlice();
        done();
      });
    } else done(refused);
  });

  app.addHook('onSend', (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (type === undefined || String(type).startsWith('application/json')) reply.header('content-type', SCIM_CONTENT_TYPE);
    done(null, payload);
  });

  await app.register(userRoutes);
  await app.register(groupRoutes);
  await app.register(discoveryRoutes);
  await app.register(rootSearchRoutes);
}
