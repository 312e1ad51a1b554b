import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeldResponses } from '../held-responses.js';
import { FakeOktaAuth } from './okta-auth.js';
import { OktaDirectory } from './okta-directory.js';
import { FakeOktaError, oktaErrors } from './okta-errors.js';
import { FaultInjector, type OktaRoute } from './okta-faults.js';
import { handleApi, type ApiResult } from './okta-routes.js';
import { RateLimiter, type RateLimitOptions } from './okta-rate-limit.js';

/**
 * A fake Okta org: a real HTTP server on 127.0.0.1 with an ephemeral port, which the real okta-sdk-nodejs talks
 * to with `orgUrl: http://127.0.0.1:PORT`. Every response carries `Date`, `X-Okta-Request-Id` and the
 * `X-Rate-Limit-*` headers (O2), because the SDK's retry delay is computed from `X-Rate-Limit-Reset` and `Date`.
 */
export interface FakeOktaOptions {
  /** The SSWS token the fake accepts; more via `auth.addApiToken`. */
  apiToken?: string;
  /** Clock for timestamps, the Date header and rate-limit windows. */
  now?: () => number;
  rateLimit?: Partial<RateLimitOptions>;
}

export interface RequestRecord {
  method: string;
  /** Path and query as received. */
  url: string;
  route: OktaRoute | null;
  status: number | 'timeout';
  authScheme: string | null;
  retryCount: string | null;
}

const SCOPE_OF: Record<Exclude<OktaRoute, 'token'>, string> = {
  app: 'okta.apps.read',
  appUsers: 'okta.apps.read',
  appUser: 'okta.apps.read',
  appGroups: 'okta.apps.read',
  groupUsers: 'okta.groups.read',
  user: 'okta.users.read',
  userGroups: 'okta.users.read',
  logs: 'okta.logs.read',
};

const ROUTES: [RegExp, OktaRoute][] = [
  [/^\/api\/v1\/apps\/[^/]+$/, 'app'],
  [/^\/api\/v1\/apps\/[^/]+\/users$/, 'appUsers'],
  [/^\/api\/v1\/apps\/[^/]+\/users\/[^/]+$/, 'appUser'],
  [/^\/api\/v1\/apps\/[^/]+\/groups$/, 'appGroups'],
  [/^\/api\/v1\/groups\/[^/]+\/users$/, 'groupUsers'],
  [/^\/api\/v1\/users\/[^/]+$/, 'user'],
  [/^\/api\/v1\/users\/[^/]+\/groups$/, 'userGroups'],
  [/^\/api\/v1\/logs$/, 'logs'],
  [/^\/oauth2\/v1\/token$/, 'token'],
];

/** Keep the request log bounded: benchmarks send thousands of requests. */
const REQUEST_LOG_LIMIT = 2000;

export class FakeOktaServer {
  readonly now: () => number;
  readonly directory: OktaDirectory;
  readonly auth = new FakeOktaAuth();
  readonly faults = new FaultInjector();
  readonly rateLimits: RateLimiter;
  readonly apiToken: string;
  /** Test override: the most items any list page holds, whatever `limit` the client asked for. */
  pageSizeCap: number | null = null;
  /** Added before each answer, to make requests overlap the way they do over a real network. */
  latencyMs = 0;
  requestCount = 0;
  readonly requests: RequestRecord[] = [];
  /** Requests being answered right now, and the most at once since reset (Okta allows 75 per org). */
  inFlight = 0;
  peakInFlight = 0;
  private server: Server | null = null;
  private port = 0;
  /** Responses a `timeout` fault holds open. */
  private readonly held = new HeldResponses();

  constructor(options: FakeOktaOptions = {}) {
    this.now = options.now ?? Date.now;
    this.directory = new OktaDirectory(this.now);
    this.rateLimits = new RateLimiter({ limit: 6000, windowSeconds: 60, enforce: false, ...options.rateLimit });
    this.apiToken = options.apiToken ?? 'fake-okta-api-token';
    this.auth.addApiToken(this.apiToken);
  }

  get origin(): string {
    if (!this.server) throw new Error('fake okta: not started');
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.origin;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.held.releaseAll();
    // Held (timed-out) requests and keep-alive sockets would keep close() waiting forever.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Empty directory, no faults, no held requests, no page cap, counters at zero; the server keeps running. */
  reset(): void {
    this.held.releaseAll();
    this.directory.clear();
    this.faults.clear();
    this.rateLimits.reset();
    this.auth.reset();
    this.pageSizeCap = null;
    this.latencyMs = 0;
    this.requestCount = 0;
    this.requests.length = 0;
    this.peakInFlight = 0;
  }

  countRequests(route: OktaRoute): number {
    return this.requests.filter((r) => r.route === route).length;
  }

  /** Requests a `timeout` fault holds open right now (a client that gives up on one closes it). */
  get heldCount(): number {
    return this.held.count;
  }

  /** Resolves once at least `count` requests are held open by a `timeout` fault at the same time. */
  whenHeld(count = 1): Promise<void> {
    return this.held.whenHeld(count);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    res.once('close', () => this.inFlight--);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = () => {
        try {
          this.respond(req, res, Buffer.concat(chunks).toString('utf8'));
        } catch (err) {
          if (!res.headersSent) this.send(res, 500, { errorCode: 'E0000009', errorSummary: `fake okta bug: ${String(err)}`, errorLink: 'E0000009', errorId: 'fake', errorCauses: [] }, null);
        }
      };
      if (this.latencyMs > 0) setTimeout(answer, this.latencyMs);
      else answer();
    });
  }

  private respond(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', this.origin);
    const route = ROUTES.find(([re]) => re.test(url.pathname))?.[1] ?? null;
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      route,
      status: 0,
      authScheme: req.headers.authorization?.split(' ')[0] ?? null,
      retryCount: (req.headers['x-okta-retry-count'] as string | undefined) ?? null,
    };
    this.requestCount++;
    if (this.requests.length >= REQUEST_LOG_LIMIT) this.requests.shift();
    this.requests.push(record);

    const nowMs = this.now();
    const limits = this.rateLimits.consume(route ?? 'other', nowMs);
    res.setHeader('Date', new Date(nowMs).toUTCString());
    res.setHeader('X-Okta-Request-Id', randomBytes(12).toString('base64url'));
    res.setHeader('X-Rate-Limit-Limit', String(limits.limit));
    res.setHeader('X-Rate-Limit-Remaining', String(limits.remaining));
    res.setHeader('X-Rate-Limit-Reset', String(limits.reset));
    const fail = (e: FakeOktaError) => {
      record.status = e.status;
      this.send(res, e.status, e.body, null);
    };

    if (route === null) return fail(oktaErrors.notFound(`${url.pathname} (Endpoint)`));
    const fault = this.faults.take(route);
    if (fault?.status === 'timeout') {
      // Never answered: the client's own timeout or abort has to give up; reset() and stop() close the socket.
      record.status = 'timeout';
      this.held.hold(res);
      return;
    }
    if (fault?.status === 429 || limits.exceeded) {
      // Exactly one X-Rate-Limit-Reset (O3), relative to this response's Date second.
      const reset = fault ? Math.floor(nowMs / 1000) + (fault.resetAfterSeconds ?? 0) : limits.reset;
      res.setHeader('X-Rate-Limit-Remaining', '0');
      res.setHeader('X-Rate-Limit-Reset', String(reset));
      return fail(oktaErrors.rateLimited());
    }
    if (fault) return fail(fault.status === 500 ? oktaErrors.internal() : oktaErrors.unavailable(fault.status));

    if (route === 'token') {
      if (req.method !== 'POST') return fail(oktaErrors.notFound(`${url.pathname} (Endpoint)`));
      const result = this.auth.issueToken(new URLSearchParams(body), `${this.origin}/oauth2/v1/token`, nowMs);
      record.status = result.status;
      return this.send(res, result.status, result.body, null);
    }
    if (req.method !== 'GET') return fail(new FakeOktaError(405, { ...oktaErrors.notFound('').body, errorCode: 'E0000022', errorSummary: 'The endpoint does not support the provided HTTP method' }));
    const scopes = this.auth.authenticate(req.headers.authorization);
    if (scopes === null) return fail(oktaErrors.invalidToken());
    if (!scopes.has(SCOPE_OF[route])) return fail(oktaErrors.forbidden());

    let result: ApiResult;
    try {
      result = handleApi(route, url, { directory: this.directory, origin: this.origin, pageSizeCap: this.pageSizeCap, now: nowMs });
    } catch (err) {
      if (err instanceof FakeOktaError) return fail(err);
      throw err;
    }
    record.status = 200;
    this.send(res, 200, result.body, result.link);
  }

  private send(res: ServerResponse, status: number, body: unknown, link: string | null): void {
    const json = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', Buffer.byteLength(json));
    if (link !== null) res.setHeader('Link', link);
    res.end(json);
  }
}
