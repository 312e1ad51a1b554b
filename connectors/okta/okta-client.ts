import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { Client, DefaultRequestExecutor, type AppUser, type Application, type ApplicationGroupAssignment, type Collection, type LogEvent, type User } from '@okta/okta-sdk-nodejs';
import { abortableDelay } from '../../src/connector/abortable-delay.js';
import type { ConnectorLogger } from '../../src/connector/connector.js';
import { ConnectorError } from '../../src/connector/connector-error.js';
import type { OktaConfig } from './okta-config.js';

// The okta-sdk-nodejs client set up for a poller: no cache (the default keeps GETs forever), bounded 429 retries,
// and every request carries its read's AbortSignal, which also ends rate-limit waits.
export const LOG_FILTER = [
  'eventType sw "application.user_membership"',
  'eventType sw "group.user_membership"',
  'eventType sw "group.application_assignment"',
  'eventType sw "user.lifecycle"',
  'eventType eq "user.account.update_profile"',
].join(' or ');
const LOG_PAGE_LIMIT = 1000;
/** A list answering empty pages with a `next` link is broken; stop rather than loop. */
const MAX_EMPTY_PAGES = 10;
/** The 429 path handles the rest. */
const MAX_PAUSE_MS = 60_000;

/** No per-call SDK option reaches node-fetch, so the executor takes the signal from the async context. */
const requestSignal = new AsyncLocalStorage<AbortSignal>();

/** The SDK's typing omits node-fetch's `signal`. */
type ExecutorRequest = Parameters<DefaultRequestExecutor['fetch']>[0] & { signal?: AbortSignal };

async function underSignal<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
  if (signal === undefined) return call();
  signal.throwIfAborted();
  try {
    return await requestSignal.run(signal, call);
  } catch (err) {
    signal.throwIfAborted();
    throw err;
  }
}

class RateAwareExecutor extends DefaultRequestExecutor {
  private pausedUntil = 0;

  constructor(
    options: { maxRetries: number; requestTimeout: number },
    private readonly lowWater: number,
    log: ConnectorLogger,
  ) {
    super(options);
    this.on('backoff', (_req: unknown, _res: unknown, requestId: string, delayMs: number) => log.warn({ requestId, delayMs }, 'okta answered 429; retrying after X-Rate-Limit-Reset'));
  }

  override fetch(request: ExecutorRequest): ReturnType<DefaultRequestExecutor['fetch']> {
    // Every attempt: the SDK's retry deep-copies the request, dropping the signal.
    const signal = requestSignal.getStore();
    if (signal) request.signal = signal;
    const wait = this.pausedUntil - Date.now();
    const send = () =>
      super.fetch(request).then(async (res) => {
        if (!('headers' in res)) return res;
        if (res.status !== 429) this.observe(res);
        if (!res.ok && /\/oauth2\/v1\/token$/.test(String(request.url))) throw await tokenError(res);
        return res;
      });
    return (wait > 0 ? abortableDelay(wait, signal).then(send) : send()) as ReturnType<DefaultRequestExecutor['fetch']>;
  }

  /** The wait ends when the signal fires. */
  override retryRequest(request: ExecutorRequest, response: Parameters<DefaultRequestExecutor['retryRequest']>[1], delayMs: number): ReturnType<DefaultRequestExecutor['retryRequest']> {
    const requestId = this.getOktaRequestId(response);
    this.emit('backoff', request, response, requestId, delayMs);
    return abortableDelay(delayMs, request.signal).then(() => {
      const retry = this.buildRetryRequest(request, requestId, delayMs);
      this.emit('resume', retry, requestId);
      return this.fetch(retry);
    });
  }

  /** Okta's advice: wait for a nearly empty bucket's reset rather than run into 429s. */
  private observe(res: { headers: { get(name: string): string | null } }): void {
    const limit = Number(res.headers.get('x-rate-limit-limit'));
    const remaining = Number(res.headers.get('x-rate-limit-remaining'));
    if (!(limit > 0) || !Number.isFinite(remaining) || remaining > this.lowWater) return;
    const delay = this.getRetryDelayMs(res as never);
    if (Number.isFinite(delay) && delay > 0) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + Math.min(delay, MAX_PAUSE_MS));
  }
}

/** The SDK caches an error body as the access token (401 `Bearer undefined`); this surfaces Okta's reason. */
async function tokenError(res: { status: number; url: string; text(): Promise<string> }): Promise<Error> {
  let body: { error?: string; error_description?: string } = {};
  try {
    body = JSON.parse(await res.text()) as typeof body;
  } catch {
  }
  const detail = [body.error, body.error_description].filter(Boolean).join(': ');
  return Object.assign(new Error(`token request failed: HTTP ${res.status}${detail ? ` ${detail}` : ''}`), {
    status: res.status,
    url: res.url,
    errorCode: body.error,
    errorSummary: body.error_description ?? '',
  });
}

function privateKeyOf(auth: Extract<OktaConfig['auth'], { type: 'privateKey' }>): string {
  if (auth.privateKey !== undefined) return auth.privateKey;
  try {
    return readFileSync(auth.privateKeyPath!, 'utf8');
  } catch (err) {
    throw new ConnectorError('okta connector', 'config', `cannot read settings.auth.privateKeyPath ${auth.privateKeyPath} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

export function createSdkClient(config: OktaConfig, log: ConnectorLogger): Client {
  const requestExecutor = new RateAwareExecutor({ maxRetries: config.maxRetries, requestTimeout: config.requestTimeoutMs }, config.maxConcurrency, log);
  // Explicit, so a stray OKTA_CLIENT_AUTHORIZATIONMODE or okta.yaml cannot switch it.
  const common = { orgUrl: config.orgUrl, cacheMiddleware: null, requestExecutor };
  const auth = config.auth;
  if (auth.type === 'apiToken') return new Client({ ...common, authorizationMode: 'SSWS', token: auth.apiToken });
  return new Client({
    ...common,
    authorizationMode: 'PrivateKey',
    clientId: auth.clientId,
    scopes: auth.scopes,
    privateKey: privateKeyOf(auth),
    ...(auth.keyId !== undefined ? { keyId: auth.keyId } : {}),
  });
}

export interface Page<T> {
  items: T[];
  next: string | undefined;
}

/** The System Log's `next` is always present, so `polling` stops after the first empty page. */
export async function* pagesOf<T>(collection: Collection<T>, polling = false, signal?: AbortSignal): AsyncGenerator<Page<T>> {
  let items: T[] = [];
  let emptyPages = 0;
  for (;;) {
    const { value, done } = await underSignal(signal, () => collection.next());
    if (value) items.push(value); // the SDK yields null for an empty page
    if (collection.currentItems.length > 0) continue;
    // Page boundary: the SDK has already followed the Link header.
    const empty = items.length === 0;
    if (!empty || polling) yield { items, next: collection.nextUri };
    items = [];
    if (done || !collection.nextUri || (empty && polling)) return;
    emptyPages = empty ? emptyPages + 1 : 0;
    if (emptyPages >= MAX_EMPTY_PAGES) throw new Error(`okta returned ${MAX_EMPTY_PAGES} empty pages in a row with a next link`);
  }
}

export type LogStart = { since: string } | { after: string; filter: string | undefined; limit: number | undefined };

/** A `next` link or an ISO start time. */
export function parseLogCursor(cursor: string, orgUrl: string): LogStart | null {
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(cursor) && !Number.isNaN(Date.parse(cursor))) return { since: cursor };
  let url: URL;
  try {
    url = new URL(cursor);
  } catch {
    return null;
  }
  // The token goes wherever the cursor points: only the configured org.
  const after = url.searchParams.get('after');
  if (url.origin !== new URL(orgUrl).origin || url.pathname !== '/api/v1/logs' || !after) return null;
  const limit = url.searchParams.get('limit');
  return { after, filter: url.searchParams.get('filter') ?? undefined, limit: limit === null ? undefined : Number(limit) };
}

const isStatus = (err: unknown, status: number) => (err as { status?: unknown } | null)?.status === status;

/** Belongs to one read; after its signal fires, failures are its reason. */
export class OktaReader {
  constructor(
    readonly sdk: Client,
    private readonly appId: string,
    readonly signal?: AbortSignal,
  ) {}

  withSignal(signal: AbortSignal | undefined): OktaReader {
    return signal === undefined ? this : new OktaReader(this.sdk, this.appId, signal);
  }

  getApp(): Promise<Application> {
    return this.call(() => this.sdk.applicationApi.getApplication({ appId: this.appId }));
  }

  async *appUsers(limit = 500): AsyncGenerator<Page<AppUser>> {
    yield* this.pages(() => this.sdk.applicationApi.listApplicationUsers({ appId: this.appId, limit, expand: 'user' }));
  }

  async *groupAssignments(limit = 200): AsyncGenerator<Page<ApplicationGroupAssignment>> {
    yield* this.pages(() => this.sdk.applicationApi.listApplicationGroupAssignments({ appId: this.appId, limit, expand: 'group' }));
  }

  async *groupMembers(groupId: string): AsyncGenerator<Page<User>> {
    yield* this.pages(() => this.sdk.groupApi.listGroupUsers({ groupId, limit: 1000 }));
  }

  /** Null when not assigned. */
  async appUser(userId: string): Promise<AppUser | null> {
    try {
      return await this.call(() => this.sdk.applicationApi.getApplicationUser({ appId: this.appId, userId, expand: 'user' }));
    } catch (err) {
      // A missing app is also a 404, naming the AppInstance: that is not_found.
      if (isStatus(err, 404) && !/AppInstance/i.test(String((err as { errorSummary?: unknown }).errorSummary))) return null;
      throw err;
    }
  }

  /** Null when Okta has none. */
  async user(userId: string): Promise<User | null> {
    try {
      return await this.call(() => this.sdk.userApi.getUser({ userId }));
    } catch (err) {
      if (isStatus(err, 404)) return null;
      throw err;
    }
  }

  /** The endpoint also resolves ids and shortnames, so only a (case-insensitive) login match counts. */
  async userByLogin(login: string): Promise<User | null> {
    if (login === '') return null;
    const user = await this.user(login);
    const found = (user?.profile as { login?: unknown } | undefined)?.login;
    return typeof found === 'string' && found.toLowerCase() === login.toLowerCase() ? user : null;
  }

  async userGroupIds(userId: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of this.pages(() => this.sdk.userApi.listUserGroups({ userId }))) for (const g of page.items) if (g.id) ids.push(g.id);
    return ids;
  }

  async *logPages(start: LogStart): AsyncGenerator<Page<LogEvent>> {
    const params = 'since' in start ? { since: start.since, filter: LOG_FILTER, limit: LOG_PAGE_LIMIT } : { after: start.after, filter: start.filter ?? LOG_FILTER, limit: start.limit ?? LOG_PAGE_LIMIT };
    yield* this.pages(() => this.sdk.systemLogApi.listLogEvents(params), true);
  }

  private call<T>(sdkCall: () => Promise<T>): Promise<T> {
    return underSignal(this.signal, sdkCall);
  }

  private async *pages<T>(list: () => Promise<Collection<T>>, polling = false): AsyncGenerator<Page<T>> {
    yield* pagesOf(await this.call(list), polling, this.signal);
  }
}

/** In input order; failures are returned, not thrown. */
export async function* mapConcurrent<T, R>(items: Iterable<T>, limit: number, fn: (item: T) => Promise<R>): AsyncGenerator<{ item: T; result?: R; error?: unknown }> {
  const source = items[Symbol.iterator]();
  const inflight: Promise<{ item: T; result?: R; error?: unknown }>[] = [];
  const fill = () => {
    while (inflight.length < limit) {
      const next = source.next();
      if (next.done) return;
      const item = next.value;
      // Settled at once, so a failure is never unhandled while we await another.
      inflight.push(fn(item).then((result) => ({ item, result }), (error: unknown) => ({ item, error })));
    }
  };
  fill();
  while (inflight.length > 0) {
    const settled = await inflight.shift()!;
    fill();
    yield settled;
  }
}

const SCOPE_BY_PATH: [RegExp, string, string][] = [
  [/\/api\/v1\/apps\//, 'okta.apps.read', "the app's assignments"],
  [/\/api\/v1\/groups\//, 'okta.groups.read', 'group members'],
  [/\/api\/v1\/users\//, 'okta.users.read', 'users'],
  [/\/api\/v1\/logs/, 'okta.logs.read', 'the System Log'],
];

/** Needs a person; the rest may pass next cycle. */
export function isFatal(err: ConnectorError): boolean {
  return err.reason === 'credentials' || err.reason === 'permissions' || err.reason === 'not_found' || err.reason === 'config';
}

/** Names the org and what to check. */
export function describeOktaError(err: unknown, config: OktaConfig): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = (err ?? {}) as { status?: number; errorCode?: string; errorSummary?: string; url?: string; name?: string; type?: string; message?: string };
  const org = config.orgUrl;
  const what = e.errorCode ? ` (${e.errorCode} ${e.errorSummary ?? ''})`.replace(/ \)$/, ')') : e.status ? ` (HTTP ${e.status})` : '';
  const url = e.url ?? '';
  const fail = (reason: ConnectorError['reason'], message: string) => new ConnectorError('okta connector', reason, message);
  const auth = config.auth;

  if (url.includes('/oauth2/v1/token')) {
    if (e.errorCode === 'invalid_scope') {
      const scopes = auth.type === 'privateKey' ? auth.scopes.join(', ') : '';
      return fail('permissions', `${org} refused the requested OAuth scopes${what}; grant ${scopes} to the service app on its Okta API Scopes tab, or check settings.auth.scopes`);
    }
    return fail('credentials', `${org} refused the service app's private-key JWT${what}; check settings.auth.clientId, settings.auth.keyId and that settings.auth.privateKey matches the public key registered on the app`);
  }
  if (e.status === 401) {
    return auth.type === 'apiToken'
      ? fail('credentials', `the API token was rejected by ${org}${what}; check settings.auth.apiToken (revoked, expired after 30 days unused, or from another org?)`)
      : fail('credentials', `the OAuth access token was rejected by ${org}${what}; check settings.auth.clientId and settings.auth.privateKey`);
  }
  if (e.status === 403) {
    const [, scope, resource] = SCOPE_BY_PATH.find(([re]) => re.test(url)) ?? [null, 'okta.apps.read', 'the app'];
    return auth.type === 'apiToken'
      ? fail('permissions', `${org} refused to let the API token read ${resource}${what}; the token's admin needs a role that can read ${resource} (scope ${scope} for an OAuth service app)`)
      : fail('permissions', `${org} refused to let service app ${auth.clientId} read ${resource}${what}; grant the ${scope} scope to the app and list it in settings.auth.scopes`);
  }
  if (e.status === 404) return fail('not_found', `app ${config.appId} was not found in ${org}${what}; check settings.appId (the 0oa… id in the app's admin console URL)`);
  if (e.status === 429 || /429 retry delay/.test(e.message ?? '')) {
    return fail('throttled', `${org} kept answering 429 (rate limit exceeded) after ${config.maxRetries} retries; run the connector less often or ask Okta for a higher rate limit`);
  }
  if (typeof e.status === 'number') return fail('unavailable', `${org} answered HTTP ${e.status}${what} on ${url.replace(org, '') || 'a read'}`);
  if (e.name === 'FetchError') return fail('unavailable', `${org} could not be reached (${e.message}); check settings.orgUrl and the network`);
  return fail('unavailable', `reading ${org} failed: ${e.message ?? String(err)}`);
}
