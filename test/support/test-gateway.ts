import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely, KyselyPlugin } from 'kysely';
import { createApiKey } from '../../src/admin/create-api-key.js';
import { createWorkspace, type CreateWorkspaceInput } from '../../src/admin/create-workspace.js';
import { configSchema, type ConfigInput } from '../../src/config/config-schema.js';
import { buildServer } from '../../src/daemon/build-server.js';
import { createLogger, type Logger } from '../../src/log/create-logger.js';
import type { Store } from '../../src/store/store.js';
import type { Database } from '../../src/store/database.js';
import { openTestStore, type TestDialect, type TestStore } from './test-store.js';

export interface TestGateway {
  app: FastifyInstance;
  db: TestStore;
  /** Create a workspace and return a key for it. */
  workspace(input: Omit<CreateWorkspaceInput, 'now'>): Promise<{ id: string; token: string; base: string }>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  /**
   * Kysely plugins the server's queries run through, such as a StatementCounter: every statement the server
   * makes, reads and writes alike, goes through them (the workspace helper and `db` do not).
   */
  plugins?: KyselyPlugin[];
  /** The server's logger (silent when omitted): a suite that wants to read what the server logged passes its own. */
  log?: Logger;
}

/** The store with plugins on its Kysely instance and on every write transaction it starts. */
function storeWithPlugins(store: Store, plugins: readonly KyselyPlugin[]): Store {
  if (plugins.length === 0) return store;
  const wrap = (db: Kysely<Database>) => plugins.reduce((withSome, plugin) => withSome.withPlugin(plugin), db);
  return { ...store, db: wrap(store.db), heavyReads: wrap(store.heavyReads), writeTransaction: (job) => store.writeTransaction((trx) => job(wrap(trx))) };
}

/** The real server (real database, real routes) driven through app.inject(): no sockets, no mocks. */
export async function startTestGateway(dialect: TestDialect, overrides: ConfigInput = {}, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const config = configSchema.parse({ ...overrides, log: { level: 'silent', requests: false } });
  const db = await openTestStore(dialect, { heavyReadTimeoutMs: config.scim.budgets.queryTimeoutMs });
  const app = await buildServer({ store: storeWithPlugins(db.store, options.plugins ?? []), config, log: options.log ?? createLogger({ level: 'silent' }) });
  await app.ready();
  return {
    app,
    db,
    async workspace(input) {
      const now = new Date().toISOString();
      await createWorkspace(db.store.db, { ...input, now });
      const { token } = await createApiKey(db.store.db, { workspaceId: input.id, name: 'test', now });
      return { id: input.id, token, base: `/scim/v2/organizations/${input.id}` };
    },
    async close() {
      await app.close();
      await db.cleanup();
    },
  };
}

/** A small SCIM client over inject: JSON in, parsed JSON out. */
export function scimClient(app: FastifyInstance, base: string, token: string, options: { contentType?: string; authorization?: string } = {}) {
  const send = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response: LightMyRequestResponse = await app.inject({
      method: method as 'GET',
      url: url.startsWith('/scim') ? url : `${base}${url}`,
      headers: {
        authorization: options.authorization ?? `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': options.contentType ?? 'application/scim+json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = response.body;
    const json = text ? (JSON.parse(text) as Record<string, any>) : null;
    return { status: response.statusCode, headers: response.headers, body: json as Record<string, any> };
  };
  return {
    get: (url: string, headers?: Record<string, string>) => send('GET', url, undefined, headers),
    post: (url: string, body: unknown, headers?: Record<string, string>) => send('POST', url, body, headers),
    put: (url: string, body: unknown, headers?: Record<string, string>) => send('PUT', url, body, headers),
    patch: (url: string, body: unknown, headers?: Record<string, string>) => send('PATCH', url, body, headers),
    delete: (url: string, headers?: Record<string, string>) => send('DELETE', url, undefined, headers),
  };
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export const patchOp = (...operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });
