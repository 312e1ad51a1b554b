import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { HeldResponses } from '../held-responses.js';
import { handleBatch, type BatchItemFault } from './batch.js';
import { GraphDirectory } from './graph-directory.js';
import { faultResponse, type GraphResponse, graphErrorBody } from './graph-errors.js';
import { type FaultSpec, GraphFaults } from './graph-faults.js';
import { GraphRoutes } from './graph-routes.js';
import { fakeGraphCert, type SelfSignedCert } from './self-signed-cert.js';
import { TokenEndpoint } from './token-endpoint.js';

/**
 * A fake Microsoft Graph (and Entra token endpoint) on https://127.0.0.1:<ephemeral port>. HTTPS, because the
 * Graph SDK attaches the bearer token and follows absolute nextLinks only for https URLs; the
 * connector points at it with the same `graphBaseUrl`/`authorityHost` settings national clouds use, and the
 * process trusts the certificate through NODE_EXTRA_CA_CERTS (see fake-graph-tls-setup.ts).
 */
export interface FakeGraphOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  cert?: SelfSignedCert;
}

export interface LoggedRequest {
  method: string;
  url: string;
  status: number | 'timeout' | 'reset';
  retryAttempt: string | undefined;
  prefer: string | undefined;
}

export const DEFAULT_PERMISSIONS = ['Application.Read.All', 'User.Read.All', 'GroupMember.Read.All'] as const;

export class FakeGraph {
  readonly directory = new GraphDirectory();
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokens: TokenEndpoint;
  /** Largest page served whatever `$top` asks; tests shrink it to force paging. */
  pageSizeCap = 999;
  deltaPageSize = 100;
  emptyFirstDeltaPage = false;
  /** Application permissions granted to the client; remove one to get 403 Authorization_RequestDenied. */
  readonly granted = new Set<string>(DEFAULT_PERMISSIONS);
  /** The last requests (bounded, so a 100,000-user benchmark does not grow it without end). */
  readonly requests: LoggedRequest[] = [];
  private readonly cert: SelfSignedCert;
  private readonly faults = new GraphFaults();
  private readonly batchItemFaults: BatchItemFault[] = [];
  private readonly routes: GraphRoutes;
  /** Responses a `timeout` fault holds open. */
  private readonly held = new HeldResponses();
  private server: Server | null = null;
  private port = 0;
  private served = 0;

  constructor(options: FakeGraphOptions = {}) {
    this.tenantId = options.tenantId ?? randomUUID();
    this.clientId = options.clientId ?? randomUUID();
    this.clientSecret = options.clientSecret ?? 'fake-client-secret';
    this.tokens = new TokenEndpoint(this.tenantId);
    this.tokens.clients.set(this.clientId, { clientId: this.clientId, secret: this.clientSecret });
    this.cert = options.cert ?? fakeGraphCert();
    this.routes = new GraphRoutes(this.directory, () => ({
      base: `${this.origin}/v1.0`,
      pageSizeCap: this.pageSizeCap,
      deltaPageSize: this.deltaPageSize,
      emptyFirstDeltaPage: this.emptyFirstDeltaPage,
      granted: this.granted,
    }));
  }

  /** https://127.0.0.1:PORT: the Graph base URL and the authority host at once. */
  get origin(): string {
    if (!this.server) throw new Error('fake graph: not started');
    return `https://127.0.0.1:${this.port}`;
  }

  /** The certificate to trust (NODE_EXTRA_CA_CERTS) in a process that talks to this fake. */
  get caFile(): string {
    return this.cert.certFile;
  }

  async start(): Promise<void> {
    const server = createServer({ key: this.cert.key, cert: this.cert.cert }, (req, res) => {
      this.onRequest(req, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, { status: 500, body: graphErrorBody('generalException', `fake graph bug: ${String(err)}`) });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.held.releaseAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = null;
  }

  /** Empty directory, default settings, no faults, no held requests; issued tokens stay valid (credentials cache them). */
  reset(): void {
    this.held.releaseAll();
    this.directory.reset();
    this.faults.clear();
    this.batchItemFaults.length = 0;
    this.pageSizeCap = 999;
    this.deltaPageSize = 100;
    this.emptyFirstDeltaPage = false;
    this.granted.clear();
    for (const p of DEFAULT_PERMISSIONS) this.granted.add(p);
    this.requests.length = 0;
  }

  injectFault(spec: FaultSpec): void {
    this.faults.inject(spec);
  }

  /** Throttle the next `count` items inside `$batch` responses (the outer response stays 200). */
  injectBatchItemFault(fault: { status?: number; count: number; retryAfterSeconds?: number }): void {
    this.batchItemFaults.push({ status: fault.status ?? 429, count: fault.count, retryAfterSeconds: fault.retryAfterSeconds ?? 0 });
  }

  /** Expire every delta token handed out so far: the next delta call answers 410 syncStateNotFound. */
  expireDeltaTokens(): void {
    this.directory.epoch++;
  }

  /** Graph API requests served (token endpoint calls not included). */
  requestCount(): number {
    return this.served;
  }

  /** Requests a `timeout` fault holds open right now (a client that gives up on one closes it). */
  get heldCount(): number {
    return this.held.count;
  }

  /** Resolves once at least `count` requests are held open by a `timeout` fault at the same time. */
  whenHeld(count = 1): Promise<void> {
    return this.held.whenHeld(count);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const path = decodeURIComponent(url.pathname);
    const body = req.method === 'POST' ? await readBody(req) : '';
    if (path === '/msi/token') {
      send(res, this.tokens.handleManagedIdentity(req.method ?? 'GET', url.searchParams, header(req, 'x-identity-header'), this.origin));
      return;
    }
    if (!path.startsWith('/v1.0/')) {
      const answer = this.tokens.handle(req.method ?? 'GET', path, new URLSearchParams(body), this.origin);
      send(res, answer ?? { status: 404, body: graphErrorBody('NotFound', `No such endpoint: ${path}`) });
      return;
    }
    this.served++;
    const log: LoggedRequest = {
      method: req.method ?? 'GET',
      url: url.pathname + url.search,
      status: 200,
      retryAttempt: header(req, 'retry-attempt'),
      prefer: header(req, 'prefer'),
    };
    this.requests.push(log);
    if (this.requests.length > 1000) this.requests.splice(0, this.requests.length - 1000);
    const clientRequestId = header(req, 'client-request-id');
    const reply = (r: GraphResponse) => {
      log.status = r.status;
      send(res, r, clientRequestId);
    };

    const auth = header(req, 'authorization');
    if (!auth?.startsWith('Bearer ') || auth.length <= 'Bearer '.length) {
      return reply({ status: 401, body: graphErrorBody('InvalidAuthenticationToken', 'Access token is empty.', clientRequestId) });
    }
    if (!this.tokens.accepts(auth.slice('Bearer '.length))) {
      return reply({ status: 401, body: graphErrorBody('InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.', clientRequestId) });
    }
    const fault = this.faults.next(path);
    if (fault?.status === 'timeout') {
      // Never answer: the client's own timeout or abort has to give up; reset() and stop() end the socket.
      log.status = 'timeout';
      this.held.hold(res);
      return;
    }
    if (fault?.status === 'reset') {
      log.status = 'reset';
      req.socket.destroy();
      return;
    }
    if (fault) return reply(faultResponse(fault.status, fault.retryAfterSeconds, clientRequestId));

    const graphPath = path.slice('/v1.0'.length);
    if (graphPath === '/$batch') {
      if (req.method !== 'POST') return reply({ status: 405, body: graphErrorBody('BadRequest', '$batch needs POST.', clientRequestId) });
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return reply({ status: 400, body: graphErrorBody('BadRequest', 'Invalid batch payload format.', clientRequestId) });
      }
      return reply(handleBatch(parsed, this.routes, this.batchItemFaults, clientRequestId));
    }
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
    return reply(this.routes.handle({ method: req.method ?? 'GET', path: graphPath, query: url.searchParams, headers }));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, r: GraphResponse, clientRequestId?: string): void {
  const payload = r.body === undefined ? '' : JSON.stringify(r.body);
  res.writeHead(r.status, {
    'Content-Type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
    'request-id': randomUUID(),
    'client-request-id': clientRequestId ?? randomUUID(),
    'Content-Length': Buffer.byteLength(payload),
    ...r.headers,
  });
  res.end(payload);
}
