import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { RosterdEvent } from '../../../src/events/event.js';

/** What a receiver path answers to its n-th request (1-based); `hang` never answers. */
export type Answer = { status: number; body?: string; headers?: Record<string, string>; delayMs?: number } | 'hang';

interface Route {
  verifier: Webhook;
  answer: (n: number) => Answer;
  requests: number;
  inFlight: number;
  maxInFlight: number;
  /** Verified events, in the order they arrived (repeats included). */
  events: RosterdEvent[];
  /** Headers of each verified request. */
  headers: Record<string, string>[];
}

/**
 * A real HTTP receiver (node:http) with a path per endpoint. Each request's signature is verified with the
 * standardwebhooks package and the endpoint's secret; a request that fails verification is recorded in `rejected`
 * and answered 401. Answers are scripted per path.
 */
export class WebhookReceiver {
  private readonly routes = new Map<string, Route>();
  readonly rejected: string[] = [];
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly base: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver!: WebhookReceiver;
    const server = createServer((req, res) => void receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  url(path: string): string {
    return `${this.base}/${path}`;
  }

  /** Accept requests on `path`, signed with `secret`, answered by `answer` (200 by default). */
  route(path: string, secret: string, answer: (n: number) => Answer = () => ({ status: 200 })): void {
    this.routes.set(`/${path}`, { verifier: new Webhook(secret), answer, requests: 0, inFlight: 0, maxInFlight: 0, events: [], headers: [] });
  }

  /** Change what `path` answers from now on. */
  answer(path: string, answer: (n: number) => Answer): void {
    this.get(path).answer = answer;
  }

  events(path: string): RosterdEvent[] {
    return this.get(path).events;
  }

  headers(path: string): Record<string, string>[] {
    return this.get(path).headers;
  }

  requests(path: string): number {
    return this.get(path).requests;
  }

  maxInFlight(path: string): number {
    return this.get(path).maxInFlight;
  }

  /** Distinct events in the order each first arrived: what a receiver that drops duplicates by webhook-id keeps. */
  distinct(path: string): RosterdEvent[] {
    const seen = new Set<string>();
    return this.events(path).filter((event) => !seen.has(event.id) && seen.add(event.id));
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private get(path: string): Route {
    const route = this.routes.get(`/${path}`);
    if (!route) throw new Error(`no receiver route /${path}`);
    return route;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = this.routes.get(req.url ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (!route) return void res.writeHead(404).end();
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    try {
      route.verifier.verify(body, headers);
    } catch (error) {
      this.rejected.push(`${req.url}: ${(error as Error).message}`);
      return void res.writeHead(401).end();
    }
    const n = ++route.requests;
    route.inFlight++;
    route.maxInFlight = Math.max(route.maxInFlight, route.inFlight);
    const answer = route.answer(n);
    const done = () => {
      route.inFlight--;
    };
    if (answer === 'hang') {
      this.hanging.add(res);
      res.on('close', () => {
        this.hanging.delete(res);
        done();
      });
      return;
    }
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (answer.status >= 200 && answer.status < 300) {
      route.events.push(JSON.parse(body) as RosterdEvent);
      route.headers.push(headers);
    }
    done();
    res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? '');
  }
}
