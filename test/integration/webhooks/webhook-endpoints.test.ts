import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { statusAction } from '../../../src/cli/action/status-action.js';
import { replayWebhookAction } from '../../../src/cli/action/webhook-actions.js';
import { RosterdError } from '../../../src/error/rosterd-error.js';
import { lastEventSeq } from '../../../src/store/event-repository.js';
import { markWebhookEndpointFailing, webhookCursors } from '../../../src/store/webhook-repository.js';
import { addWebhookEndpoint } from '../../../src/webhooks/add-webhook-endpoint.js';
import { validateWebhookUrl } from '../../../src/webhooks/validate-webhook-url.js';
import { DIALECTS } from '../../support/test-store.js';
import { range, seqsOf, waitUntil, webhookHarness, type WebhookHarness } from './webhook-kit.js';

const publicHost = async () => ['93.184.215.14'];

async function refusal(promise: Promise<unknown>): Promise<RosterdError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RosterdError);
  return error as RosterdError;
}

describe('webhook URLs', () => {
  it.each([
    ['not a url', /is not a URL/],
    ['ftp://hooks.example.com/x', /ftp:\/\/ is not allowed/],
    ['http://hooks.example.com/x', /http:\/\/ is allowed only with webhooks.allowInsecureUrls/],
    ['https://user:pw@hooks.example.com/x', /user name or password/],
    ['https://127.0.0.1/x', /127\.0\.0\.1, a loopback address/],
    ['https://[::1]/x', /::1, a loopback address/],
    ['https://169.254.169.254/latest', /link-?local/i],
    ['https://[::ffff:10.0.0.1]/x', /a private address/],
  ])('refuses %s', async (url, message) => {
    const error = await refusal(validateWebhookUrl(url, { allowInsecure: false, resolve: publicHost }));
    expect(error.code).toBe('ROSTERD_E_USAGE');
    expect(error.message).toMatch(message);
  });

  it('refuses a host name that resolves to a private address, and accepts a public one', async () => {
    const error = await refusal(validateWebhookUrl('https://intranet.example.com/hook', { allowInsecure: false, resolve: async () => ['93.184.215.14', '10.1.2.3'] }));
    expect(error.message).toMatch(/resolves to 10\.1\.2\.3, a private address/);
    await expect(validateWebhookUrl('https://hooks.example.com/rosterd', { allowInsecure: false, resolve: publicHost })).resolves.toBe('https://hooks.example.com/rosterd');
  });

  it('allows http and internal hosts only when insecure URLs are allowed', async () => {
    await expect(validateWebhookUrl('http://127.0.0.1:9000/hook', { allowInsecure: true })).resolves.toBe('http://127.0.0.1:9000/hook');
  });
});

describe.each(DIALECTS)('webhook endpoints on %s', (dialect) => {
  let h: WebhookHarness;
  beforeEach(async () => {
    h = await webhookHarness(dialect);
  });
  afterEach(() => h.close());

  const add = (input: Partial<Parameters<typeof addWebhookEndpoint>[1]>) =>
    addWebhookEndpoint(h.store, { workspaceId: 'acme', url: 'https://hooks.example.com/x', allowInsecureUrls: false, resolve: publicHost, now: new Date().toISOString(), ...input });

  it('refuses an unknown workspace or event pattern, and writes nothing', async () => {
    expect((await refusal(add({ workspaceId: 'nope' }))).message).toMatch(/workspace "nope" does not exist/);
    expect((await refusal(add({ events: 'member.*,membr.created' }))).message).toMatch(/"membr.created" matches no event type/);
    expect((await refusal(add({ url: 'http://hooks.example.com/x' }))).code).toBe('ROSTERD_E_USAGE');
    expect(await h.store.db.selectFrom('webhook_endpoint').selectAll().execute()).toEqual([]);
  });

  it('prints a Standard Webhooks secret once and never lists it; a new endpoint starts at the last event', async () => {
    await h.createUsers('acme', 3);
    const { endpoint, secret } = await add({ events: 'member.*,group.member_added' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint).not.toHaveProperty('secret');
    expect(endpoint.events).toEqual(['member.*', 'group.member_added']);
    expect((await webhookCursors(h.store.db, endpoint.id))[0]!.lastSeq).toBe(await lastEventSeq(h.store.db, 'acme'));
  });

  it('replay sends events again from a sequence; one older than retention is refused', async () => {
    const endpoint = await h.add('replayed');
    h.start();
    await h.createUsers('acme', 5);
    const last = (await lastEventSeq(h.store.db, 'acme'))!;
    await waitUntil(() => expect(seqsOf(h.receiver.events('replayed'))).toEqual(range(1, last)));
    // Received is not yet recorded: until the cursor says so, a replay would (rightly) send the unrecorded ones again.
    await waitUntil(async () => expect((await webhookCursors(h.store.db, endpoint.id))[0]!.lastSeq).toBe(last));
    const globals = { database: h.gw.db.schema ? `${h.gw.db.url}?schema=${h.gw.db.schema}` : h.gw.db.url };

    await replayWebhookAction(globals, 'acme', { from: '3' });
    await waitUntil(() => expect(seqsOf(h.receiver.events('replayed'))).toEqual([...range(1, last), ...range(3, last - 2)]));

    // Retention pruned events 1 and 2.
    await h.store.db.deleteFrom('event').where('workspace_id', '=', 'acme').where('seq', '<=', 2).execute();
    const error = await refusal(replayWebhookAction(globals, 'acme', { from: '2' }));
    expect(error.message).toMatch(/older than the retention kept.*the oldest kept is 3/);
    expect((await refusal(replayWebhookAction(globals, 'acme', { from: String(last + 1) }))).message).toMatch(/has no event/);
  });
});

describe.each(DIALECTS)('rosterd status with webhooks on %s', (dialect) => {
  let h: WebhookHarness;
  beforeEach(async () => {
    h = await webhookHarness(dialect);
  });
  afterEach(() => h.close());

  /** What `rosterd status acme` prints. */
  const status = async (json = false): Promise<string> => {
    const globals = { database: h.gw.db.schema ? `${h.gw.db.url}?schema=${h.gw.db.schema}` : h.gw.db.url };
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => printed.push(String(chunk)) > 0);
    try {
      await statusAction(globals, 'acme', { json });
    } finally {
      write.mockRestore();
    }
    return printed.join('');
  };

  it('counts the endpoints that deliver, and names a failing one with why and how to resume it', async () => {
    const endpoint = await h.add('status-hook');
    expect(await status()).toContain('webhooks         1 delivering');
    await markWebhookEndpointFailing(h.store.db, endpoint.id, 'event 7 failed for 12 attempts: HTTP 500', '2026-12-05T08:00:00.000Z');
    const text = await status();
    expect(text).toContain(`webhook ${endpoint.id}  failing since 2026-12-05T08:00:00.000Z: ${endpoint.url} (event 7 failed for 12 attempts: HTTP 500); rosterd webhook enable ${endpoint.id} resumes it`);
    expect(JSON.parse(await status(true)).webhooks).toEqual([expect.objectContaining({ id: endpoint.id, status: 'failing' })]);
    expect(await status(true)).not.toContain('whsec_');
  });
});
