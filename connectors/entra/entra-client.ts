import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  type AuthenticationProvider,
  Client,
  type GraphRequest,
  GraphClientError,
  GraphError,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { abortableDelay } from '../../src/connector/abortable-delay.js';
import type { EntraConfig } from './entra-config.js';
import { ReadSignal, RetryAfterHandler, retryDelaySeconds, TimeoutHandler } from './graph-middleware.js';

// The Graph SDK client as the connector uses it. Middleware retries throttling; inner `$batch` throttling, which it
// cannot see, is retried here. Once a read's AbortSignal fires, failures are the signal's reason, not GraphFailure.

export class GraphFailure extends Error {
  constructor(
    /** -1: network or timeout; 0: no token. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly credentialError?: unknown,
  ) {
    super(message);
    this.name = 'GraphFailure';
  }

  /** A key of OPERATIONS in entra-error.ts. */
  operation?: string;

  /** The delta token is no longer valid. */
  get resyncRequired(): boolean {
    return this.status === 410 || ['syncStateNotFound', 'resyncRequired', 'syncStateInvalid'].includes(this.code);
  }

  /** A retry next cycle will not fix it. */
  get fatal(): boolean {
    return this.status === 0 || this.status === 400 || this.status === 401 || this.status === 403;
  }
}

export interface GraphPage<T> {
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  value?: T[];
}

export interface BatchItemResult {
  status: number;
  body: unknown;
}

/** Kept whole instead of flattened by the SDK. */
class CredentialAuthProvider implements AuthenticationProvider {
  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
  ) {}

  async getAccessToken(): Promise<string> {
    try {
      const token = await this.credential.getToken(this.scope);
      if (token) return token.token;
      throw new Error('the credential returned no token');
    } catch (err) {
      // GraphRequest rethrows only a GraphClientError as is.
      const wrapped = new GraphClientError(err instanceof Error ? err.message : String(err));
      wrapped.customError = err;
      throw wrapped;
    }
  }
}

export function createGraphClient(config: EntraConfig, credential: TokenCredential): Client {
  return Client.initWithMiddleware({
    baseUrl: `${config.graphBaseUrl}/`,
    defaultVersion: 'v1.0',
    // The SDK sends the token only to known Graph hosts.
    customHosts: new Set([new URL(config.graphBaseUrl).hostname]),
    // The timeout comes after the retry, so every attempt gets its own limit.
    middleware: [
      new AuthenticationHandler(new CredentialAuthProvider(credential, `${config.graphBaseUrl}/.default`)),
      new RetryAfterHandler(config.maxRetries),
      new RedirectHandler(new RedirectHandlerOptions()),
      new TimeoutHandler(config.requestTimeoutMs),
      new TelemetryHandler(),
      new HTTPMessageHandler(),
    ],
  });
}

/** A reader made `withSignal` belongs to one read; once the signal fires every failure is its reason. */
export class GraphReader {
  constructor(
    private readonly client: Client,
    private readonly maxRetries: number,
    readonly signal?: AbortSignal,
  ) {}

  withSignal(signal: AbortSignal | undefined): GraphReader {
    return signal === undefined ? this : new GraphReader(this.client, this.maxRetries, signal);
  }

  /** Relative to the version, or an absolute link from Graph. */
  async get<T>(pathOrUrl: string, headers: Record<string, string> = {}): Promise<T> {
    return (await this.send(this.client.api(pathOrUrl).headers(headers), (request) => request.get())) as T;
  }

  /** The next page is requested while the caller handles this one; at most two pages are held. */
  async *pages<T>(firstPath: string): AsyncGenerator<T[], void, undefined> {
    let next: Promise<GraphPage<T>> | undefined = this.get<GraphPage<T>>(firstPath);
    while (next !== undefined) {
      const page: GraphPage<T> = await next;
      this.signal?.throwIfAborted();
      const url = page['@odata.nextLink'];
      next = url === undefined ? undefined : this.get<GraphPage<T>>(url);
      // Awaited later, or never if the caller stops: its failure must not be unhandled.
      next?.catch(() => undefined);
      yield page.value ?? [];
    }
  }

  /** Up to 20 urls, by request id; throttled items are re-sent after Retry-After. */
  async batch(urls: ReadonlyMap<string, string>): Promise<Map<string, BatchItemResult>> {
    const results = new Map<string, BatchItemResult>();
    let pending = [...urls.entries()];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (pending.length > 20) throw new Error('a Graph $batch holds at most 20 requests');
      const requests = pending.map(([id, url]) => ({ id, method: 'GET', url }));
      const body: BatchBody = await this.send(this.client.api('/$batch'), (request) => request.post({ requests }));
      const retry: [string, string][] = [];
      let waitSeconds = 0;
      for (const item of body.responses ?? []) {
        const url = urls.get(item.id);
        if (url === undefined) continue;
        if ([429, 503, 504].includes(item.status) && attempt < this.maxRetries) {
          retry.push([item.id, url]);
          waitSeconds = Math.max(waitSeconds, retryDelaySeconds(headerOf(item.headers, 'retry-after'), attempt));
        } else results.set(item.id, { status: item.status, body: item.body });
      }
      for (const [id] of pending) {
        if (!results.has(id) && !retry.some(([r]) => r === id)) results.set(id, { status: -1, body: { error: { code: 'MissingBatchResponse', message: `no response for batch item ${id}` } } });
      }
      pending = retry;
      if (pending.length > 0) await abortableDelay(waitSeconds * 1000, this.signal);
    }
    return results;
  }

  private async send<T>(request: GraphRequest, call: (request: GraphRequest) => Promise<T>): Promise<T> {
    const signal = this.signal;
    signal?.throwIfAborted();
    try {
      return await call(signal ? request.middlewareOptions([new ReadSignal(signal)]) : request);
    } catch (err) {
      signal?.throwIfAborted();
      throw toGraphFailure(err);
    }
  }
}

interface BatchBody {
  responses?: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[];
}

export function batchItemFailure(result: BatchItemResult): GraphFailure {
  const error = (result.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return new GraphFailure(result.status, error?.code ?? 'UnknownError', error?.message ?? `status ${result.status}`);
}

/** Item header names come in any case. */
function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  return Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
}

export function toGraphFailure(err: unknown): GraphFailure {
  if (err instanceof GraphFailure) return err;
  if (err instanceof GraphClientError) {
    if (err.customError !== undefined) return new GraphFailure(0, 'CredentialError', err.message, err.customError);
    return new GraphFailure(-1, err.name, err.message);
  }
  if (err instanceof GraphError) return new GraphFailure(err.statusCode, err.code ?? 'UnknownError', err.message);
  return new GraphFailure(-1, err instanceof Error ? err.name : 'Error', err instanceof Error ? err.message : String(err));
}
