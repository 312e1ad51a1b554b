import { vi } from 'vitest';
import { createLogger } from '../../../src/log/create-logger.js';
import type { Store } from '../../../src/store/store.js';
import type { WebhookEndpoint } from '../../../src/store/webhook-repository.js';
import { addWebhookEndpoint } from '../../../src/webhooks/add-webhook-endpoint.js';
import { startWebhookDispatcher, type WebhookDispatcher, type WebhookDispatcherOptions } from '../../../src/webhooks/webhook-dispatcher.js';
import type { WebhookSettings } from '../../../src/webhooks/webhook-settings.js';
import { scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';
import type { TestDialect } from '../../support/test-store.js';
import { WebhookReceiver, type Answer } from './webhook-receiver.js';

/** Delivery settings for tests: retries within milliseconds, a quick safety tick. */
export const TEST_SETTINGS: WebhookSettings = {
  timeoutMs: 5_000,
  retry: { initialMs: 10, maxMs: 50, windowMs: 3_600_000 },
  concurrency: 8,
  historyMs: 30 * 86_400_000,
  safetyTickMs: 100,
  leaseTtlMs: 30_000,
};

/** How long a test waits for deliveries to arrive before it fails. */
export const ARRIVAL_TIMEOUT_MS = 20_000;

export const waitUntil = (check: () => void | Promise<void>) => vi.waitFor(check, { timeout: ARRIVAL_TIMEOUT_MS, interval: 20 });

export interface WebhookHarness {
  gw: TestGateway;
  store: Store;
  receiver: WebhookReceiver;
  scim: (workspaceId: string) => ReturnType<typeof scimClient>;
  /** Add an endpoint at the receiver's `path` (http on 127.0.0.1 is allowed here) and route its path. */
  add(path: string, options?: { workspaceId?: string | null; events?: string; answer?: (n: number) => Answer }): Promise<WebhookEndpoint>;
  /** Start a dispatcher on the harness's store (stopped by close). */
  start(options?: Partial<WebhookDispatcherOptions>): WebhookDispatcher;
  /** Create `count` users through SCIM; returns their userNames. */
  createUsers(workspaceId: string, count: number, prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

/** A SCIM gateway on a real database, a workspace `acme`, and a receiver. */
export async function webhookHarness(dialect: TestDialect): Promise<WebhookHarness> {
  const gw = await startTestGateway(dialect);
  const receiver = await WebhookReceiver.start();
  const tokens = new Map<string, string>();
  const dispatchers: WebhookDispatcher[] = [];
  const workspace = async (id: string) => {
    if (!tokens.has(id)) tokens.set(id, (await gw.workspace({ id, version: 'v2' })).token);
    return tokens.get(id)!;
  };
  await workspace('acme');
  const scim = (workspaceId: string) => scimClient(gw.app, `/scim/v2/organizations/${workspaceId}`, tokens.get(workspaceId)!);
  return {
    gw,
    store: gw.db.store,
    receiver,
    scim,
    async add(path, options = {}) {
      const workspaceId = options.workspaceId === undefined ? 'acme' : options.workspaceId;
      const { endpoint, secret } = await addWebhookEndpoint(gw.db.store, {
        workspaceId,
        url: receiver.url(path),
        ...(options.events ? { events: options.events } : {}),
        allowInsecureUrls: true,
        now: new Date().toISOString(),
      });
      receiver.route(path, secret, options.answer);
      return endpoint;
    },
    start(options = {}) {
      const dispatcher = startWebhookDispatcher({ store: gw.db.store, log: createLogger({ level: 'silent' }), settings: TEST_SETTINGS, ...options });
      dispatchers.push(dispatcher);
      return dispatcher;
    },
    async createUsers(workspaceId, count, prefix = 'user') {
      await workspace(workspaceId);
      const names: string[] = [];
      for (let i = 0; i < count; i++) {
        const userName = `${prefix}${i}-${Math.random().toString(36).slice(2, 8)}@example.com`;
        const created = await scim(workspaceId).post('/Users', { schemas: [USER_SCHEMA], userName, externalId: `ext-${userName}`, active: true });
        if (created.status !== 201) throw new Error(`SCIM create answered ${created.status}: ${JSON.stringify(created.body)}`);
        names.push(userName);
      }
      return names;
    },
    async close() {
      await Promise.all(dispatchers.map((d) => d.stop()));
      await receiver.close();
      await gw.close();
    },
  };
}

/** The sequences of events, in order. */
export const seqsOf = (events: readonly { seq: number }[]) => events.map((e) => e.seq);

/** 1, 2, … n after `from`. */
export const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
