import { RosterdError } from '../error/rosterd-error.js';
import type { Store } from '../store/store.js';
import { findWebhookEndpoint, insertWebhookEndpoint, type WebhookEndpoint } from '../store/webhook-repository.js';
import { findWorkspace } from '../store/workspace-repository.js';
import { parseEventPatterns } from './event-patterns.js';
import { validateWebhookUrl, type ResolveHost } from './validate-webhook-url.js';
import { newWebhookEndpointId } from './webhook-endpoint-id.js';
import { generateWebhookSecret } from './webhook-secret.js';

export interface AddWebhookInput {
  /** Null: every workspace, including later ones. */
  workspaceId: string | null;
  url: string;
  /** Absent: every event. */
  events?: string;
  allowInsecureUrls: boolean;
  resolve?: ResolveHost;
  now: string;
}

/** Checks everything before writing. Starts at each workspace's last event; the secret is returned only here. */
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
