import { RosterdError } from '../../error/rosterd-error.js';
import type { Store } from '../../store/store.js';
import { firstRetainedSeq, lastEventSeq } from '../../store/event-repository.js';
import {
  deleteWebhookEndpoint,
  disableWebhookEndpoint,
  enableWebhookEndpoint,
  ensureWebhookCursor,
  findWebhookEndpoint,
  listWebhookEndpoints,
  recentWebhookDeliveries,
  replayWebhookCursors,
  webhookCursorsOfWorkspace,
  type WebhookEndpoint,
} from '../../store/webhook-repository.js';
import { addWebhookEndpoint } from '../../webhooks/add-webhook-endpoint.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { parseCount } from '../parse-count.js';
import { requireWorkspace } from '../require-workspace.js';
import { print, printJson, renderTable } from '../view/table.js';

const scopeOf = (endpoint: WebhookEndpoint) => endpoint.workspaceId ?? '(all)';
const eventsOf = (endpoint: WebhookEndpoint) => (endpoint.events === null ? '*' : endpoint.events.join(','));

export async function addWebhookAction(globals: GlobalOptions, workspaceId: string | undefined, options: { url: string; all?: boolean; events?: string; json?: boolean }): Promise<void> {
  if (options.all && workspaceId !== undefined) throw new RosterdError('ROSTERD_E_USAGE', `give a workspace or --all, not both ("${workspaceId}" and --all)`);
  if (!options.all && workspaceId === undefined) throw new RosterdError('ROSTERD_E_USAGE', 'give the workspace whose events the endpoint receives, or --all for every workspace');
  await withStore(globals, async ({ config, store }) => {
    const { endpoint, secret } = await addWebhookEndpoint(store, {
      workspaceId: workspaceId ?? null,
      url: options.url,
      ...(options.events !== undefined ? { events: options.events } : {}),
      allowInsecureUrls: config.webhooks.allowInsecureUrls,
      now: new Date().toISOString(),
    });
    if (options.json) return printJson({ ...endpoint, secret });
    print(`Webhook endpoint  ${endpoint.id}`);
    print(`URL               ${endpoint.url}`);
    print(`Workspace         ${scopeOf(endpoint)}`);
    print(`Events            ${eventsOf(endpoint)}`);
    print(`Signing secret    ${secret}`);
    print('\nThe secret is shown only this once: give it to the receiver, which verifies each webhook-signature with it.');
    print('Delivery starts with the next event; a running gateway picks the endpoint up within seconds.');
  });
}

export async function listWebhooksAction(globals: GlobalOptions, workspaceId: string | undefined, options: { json?: boolean }): Promise<void> {
  await withStore(globals, async ({ store }) => {
    if (workspaceId === undefined) {
      const endpoints = await listWebhookEndpoints(store.db);
      if (options.json) return printJson(endpoints);
      if (endpoints.length === 0) return print('no webhook endpoints; add one with rosterd webhook add <workspace> --url URL');
      print(renderTable(['ID', 'WORKSPACE', 'URL', 'EVENTS', 'STATUS', 'FAILING SINCE'], endpoints.map((e) => [e.id, scopeOf(e), e.url, eventsOf(e), e.status, e.failingSince])));
      return;
    }
    await requireWorkspace(store.db, workspaceId);
    const endpoints = await listWebhookEndpoints(store.db, workspaceId);
    const cursors = new Map((await webhookCursorsOfWorkspace(store.db, workspaceId)).map((c) => [c.endpointId, c]));
    const last = (await lastEventSeq(store.db, workspaceId)) ?? 0;
    const rows = endpoints.map((endpoint) => {
      const cursor = cursors.get(endpoint.id);
      return { ...endpoint, lastEventSeq: last, deliveredSeq: cursor?.lastSeq ?? null, attempts: cursor?.attempts ?? 0, nextAttemptAt: cursor?.nextAttemptAt ?? null, lastError: cursor?.lastError ?? null };
    });
    if (options.json) return printJson(rows);
    if (rows.length === 0) return print(`workspace "${workspaceId}" has no webhook endpoints; add one with rosterd webhook add ${workspaceId} --url URL`);
    print(
      renderTable(
        ['ID', 'URL', 'EVENTS', 'STATUS', 'DELIVERED', 'BEHIND', 'RETRY', 'LAST ERROR'],
        rows.map((r) => [
          r.id,
          r.url,
          eventsOf(r),
          r.status === 'failing' ? `failing since ${r.failingSince}` : r.status,
          r.deliveredSeq,
          r.deliveredSeq === null ? null : Math.max(0, last - r.deliveredSeq),
          r.nextAttemptAt ? `attempt ${r.attempts + 1} at ${r.nextAttemptAt}` : null,
          r.lastError,
        ]),
      ),
    );
  });
}

async function requireEndpoint(store: Store, id: string): Promise<WebhookEndpoint> {
  const endpoint = await findWebhookEndpoint(store.db, id);
  if (!endpoint) throw new RosterdError('ROSTERD_E_NOT_FOUND', `there is no webhook endpoint "${id}"; see rosterd webhook list`);
  return endpoint;
}

export async function removeWebhookAction(globals: GlobalOptions, id: string): Promise<void> {
  await withStore(globals, async ({ store }) => {
    const endpoint = await requireEndpoint(store, id);
    await store.writeTransaction((trx) => deleteWebhookEndpoint(trx, id));
    print(`removed webhook endpoint ${endpoint.id} (${endpoint.url})`);
  });
}

export async function enableWebhookAction(globals: GlobalOptions, id: string): Promise<void> {
  await withStore(globals, async ({ store }) => {
    const endpoint = await requireEndpoint(store, id);
    await store.writeTransaction((trx) => enableWebhookEndpoint(trx, id, new Date().toISOString()));
    print(endpoint.status === 'active' ? `webhook endpoint ${id} was already active; its pending retries are tried now` : `enabled webhook endpoint ${id}: delivery resumes where it stopped`);
  });
}

export async function disableWebhookAction(globals: GlobalOptions, id: string): Promise<void> {
  await withStore(globals, async ({ store }) => {
    await requireEndpoint(store, id);
    await disableWebhookEndpoint(store.db, id, new Date().toISOString());
    print(`disabled webhook endpoint ${id}: its events wait until rosterd webhook enable ${id}`);
  });
}

export async function webhookDeliveriesAction(globals: GlobalOptions, workspaceId: string, options: { endpoint?: string; limit: string; json?: boolean }): Promise<void> {
  const limit = parseCount('--limit', options.limit)!;
  await withStore(globals, async ({ store }) => {
    await requireWorkspace(store.db, workspaceId);
    if (options.endpoint !== undefined) await requireEndpoint(store, options.endpoint);
    const deliveries = await recentWebhookDeliveries(store.db, workspaceId, limit, options.endpoint);
    if (options.json) return printJson(deliveries);
    if (deliveries.length === 0) return print(`no webhook deliveries for workspace "${workspaceId}" yet`);
    print(
      renderTable(
        ['AT', 'ENDPOINT', 'SEQ', 'EVENT', 'ATTEMPT', 'OUTCOME', 'HTTP', 'MS', 'ERROR'],
        deliveries.map((d) => [d.at, d.endpointId, d.seq, d.eventType, d.attempt, d.outcome, d.httpStatus, d.durationMs, d.error?.replace(/\s+/g, ' ')]),
      ),
    );
  });
}

export async function replayWebhookAction(globals: GlobalOptions, workspaceId: string, options: { from: string; endpoint?: string }): Promise<void> {
  const from = parseCount('--from', options.from)!;
  if (from < 1) throw new RosterdError('ROSTERD_E_USAGE', '--from must be an event sequence, 1 or more');
  await withStore(globals, async ({ store }) => {
    await requireWorkspace(store.db, workspaceId);
    const last = (await lastEventSeq(store.db, workspaceId)) ?? 0;
    if (from > last) throw new RosterdError('ROSTERD_E_USAGE', `--from ${from}: workspace "${workspaceId}" has no event ${from} yet (its last is ${last})`);
    const first = await firstRetainedSeq(store.db, workspaceId);
    if (first === undefined || from < first) {
      throw new RosterdError('ROSTERD_E_USAGE', `--from ${from}: that event is older than the retention kept (events.retentionDays); the oldest kept is ${first ?? last + 1}`);
    }
    const endpoints = await listWebhookEndpoints(store.db, workspaceId);
    const chosen = options.endpoint === undefined ? endpoints : endpoints.filter((e) => e.id === options.endpoint);
    if (options.endpoint !== undefined && chosen.length === 0) {
      throw new RosterdError('ROSTERD_E_NOT_FOUND', `there is no webhook endpoint "${options.endpoint}" receiving workspace "${workspaceId}"'s events; see rosterd webhook list ${workspaceId}`);
    }
    if (chosen.length === 0) throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${workspaceId}" has no webhook endpoints; add one with rosterd webhook add ${workspaceId} --url URL`);
    const now = new Date().toISOString();
    const moved = await store.writeTransaction(async (trx) => {
      // An every-workspace endpoint may not have met this workspace yet: it would start at its beginning.
      for (const endpoint of chosen) await ensureWebhookCursor(trx, endpoint.id, workspaceId, 0, now);
      return replayWebhookCursors(
        trx,
        workspaceId,
        chosen.map((e) => e.id),
        from,
        now,
      );
    });
    for (const move of moved) {
      const endpoint = chosen.find((e) => e.id === move.endpointId)!;
      const note = endpoint.status === 'active' ? '' : ` (${endpoint.status}: rosterd webhook enable ${endpoint.id} resumes it)`;
      print(move.before > move.after ? `${endpoint.id}: sends again from event ${move.after + 1} (it had delivered up to ${move.before})${note}` : `${endpoint.id}: had not delivered past ${move.before} yet; unchanged${note}`);
    }
  });
}
