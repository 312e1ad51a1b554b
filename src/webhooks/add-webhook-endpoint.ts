import { RosterdError } from '../error/rosterd-error.js';
import type { Store } from '../store/create-db.js';
import { findWebhookEndpoint, insertWebhookEndpoint, type WebhookEndpoint } from '../store/webhook-repository.js';
import { findWorkspace } from '../store/workspace-repository.js';
import { parseEventPatterns } from './event-patterns.js';
import { validateWebhookUrl, type ResolveHost } from './validate-webhook-url.js';
import { newWebhookEndpointId } from './webhook-endpoint-id.js';
import { generateWebhookSecret } from './webhook-secret.js';

export interface AddWebhookInput {
  /** Null: every workspace, those created later included. */
  workspaceId: string | null;
  url: string;
  /** `member.*,group.member_added`; absent: every event. */
  events?: string;
  /** Config `webhooks.allowInsecureUrls`. */
  allowInsecureUrls: boolean;
  resolve?: ResolveHost;
  now: string;
}

/**
 * A new endpoint, checked first (the workspace exists, the URL is https and public, each event pattern names a
 * type): nothing is written when a check fails. It starts at each workspace's last event, so it receives what
 * happens from now on. The signing secret is returned once, here.
 */
export async function addWebhookEndpoint(store: Pick<Store, 'db' | 'writeTransaction'>, input: AddWebhookInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  if (input.workspaceId !== null && !(await findWorkspace(store.db, input.workspaceId))) {
    throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${input.workspaceId}" does not exist; see rosterd workspace list`);
  }
  const url = await validateWebhookUrl(input.url, { allowInsecure: input.allowInsecureUrls, ...(input.resolve ? { resolve: input.resolve } : {}) });
  const events = parseEventPatterns(input.events);
  const id = newWebhookEndpointId();
  const secret = generateWebhookSecret();
  await store.writeTransaction((trx) => insertWebhookEndpoint(trx, { id, workspaceId: input.workspaceId, url, events, secret, now: input.now }));
  const endpoint = await findWebhookEndpoint(store.db, id);
  if (!endpoint) throw new RosterdError('ROSTERD_E_INTERNAL', `webhook endpoint ${id} was not saved`);
  return { endpoint, secret };
}
