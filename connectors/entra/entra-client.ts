import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  type AuthenticationProvider,
  Client,
  type Context,
  GraphClientError,
  GraphError,
  HTTPMessageHandler,
  type Middleware,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import type { EntraConfig } from './entra-config.js';

/**
 * The Graph SDK client as the connector uses it, and the three ways it reads: one object, every page of a
 * collection (following the absolute `@odata.nextLink`), and `$batch`. Throttling (429/503/504) is retried
 * by the SDK's RetryHandler after `Retry-After`; inner `$batch` throttling, which the RetryHandler cannot
 * see (reference §A2.4), is retried here. Failures surface as GraphFailure so callers decide what they mean.
 */

/** A failed Graph call, from an HTTP error, an inner `$batch` error, a network error or the credential. */
export class GraphFailure extends Error {
  constructor(
    /** HTTP status; -1 for network errors and timeouts; 0 when the credential could not get a token. */
    readonly status: number,
    readonly code: string,
    message: string,
    /** The @azure/identity error when the token request failed. */
    readonly credentialError?: unknown,
  ) {
    super(message);
    this.name = 'GraphFailure';
  }

  /** What the connector was reading when it failed (a key of OPERATIONS in entra-error.ts), set by the caller. */
  operation?: string;

  /** Graph said the delta token is no longer valid: start over with a full read (reference §A2.3). */
  get resyncRequired(): boolean {
    return this.status === 410 || ['syncStateNotFound', 'resyncRequired', 'syncStateInvalid'].includes(this.code);
  }

  /** Failures a retry next cycle will not fix: credentials, permissions, a request Graph rejects as malformed. */
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

/** Gives the SDK a token from the credential; a credential failure is kept whole instead of flattened by the SDK. */
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
      // GraphRequest rethrows a GraphClientError as is; any other error would lose its type and details.
      const wrapped = new GraphClientError(err instanceof Error ? err.message : String(err));
      wrapped.customError = err;
      throw wrapped;
    }
  }
}

/** A per-attempt time limit: the SDK has none, and undici would wait minutes for a stalled response. */
class TimeoutHandler implements Middleware {
  private next?: Middleware;

  constructor(private readonly ms: number) {}

  async execute(context: Context): Promise<void> {
    context.options = { ...context.options, signal: AbortSignal.timeout(this.ms) };
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

export function createGraphClient(config: EntraConfig, credential: TokenCredential): Client {
  const retry = new RetryHandlerOptions(3, config.maxRetries);
  return Client.initWithMiddleware({
    baseUrl: `${config.graphBaseUrl}/`,
    defaultVersion: 'v1.0',
    // The SDK sends the token only to Graph's own hosts and these (by hostname); a national cloud is already
    // known, a private endpoint or test server is not.
    customHosts: new Set([new URL(config.graphBaseUrl).hostname]),
    // The SDK's default chain with a timeout added after the retry handler, so every attempt gets its own limit.
    middleware: [
      new AuthenticationHandler(new CredentialAuthProvider(credential, `${config.graphBaseUrl}/.default`)),
      new RetryHandler(retry),
      new RedirectHandler(new RedirectHandlerOptions()),
      new TimeoutHandler(config.requestTimeoutMs),
      new TelemetryHandler(),
      new HTTPMessageHandler(),
    ],
  });
}

export class GraphReader {
  constructor(
    private readonly client: Client,
    private readonly maxRetries: number,
  ) {}

  /** GET a path (relative to the version) or an absolute link Graph returned. */
  async get<T>(pathOrUrl: string, headers: Record<string, string> = {}): Promise<T> {
    try {
      return (await this.client.api(pathOrUrl).headers(headers).get()) as T;
    } catch (err) {
      throw toGraphFailure(err);
    }
  }

  /**
   * Every page of a collection, in order. The next page is requested as soon as a page arrives, before the
   * caller handles it, so Graph's time and the caller's overlap: an incremental cycle re-lists 100,000
   * assignments in 100 pages and waited for each. At most one request runs ahead, so at most two pages are held.
   */
  async *pages<T>(firstPath: string): AsyncGenerator<T[], void, undefined> {
    let next: Promise<GraphPage<T>> | undefined = this.get<GraphPage<T>>(firstPath);
    while (next !== undefined) {
      const page: GraphPage<T> = await next;
      const url = page['@odata.nextLink'];
      next = url === undefined ? undefined : this.get<GraphPage<T>>(url);
      // Awaited on the next turn; until then (or if the caller stops early) its failure is not unhandled.
      next?.catch(() => undefined);
      yield page.value ?? [];
    }
  }

  /**
   * GET up to 20 relative urls in one `$batch`; results by request id. Items throttled inside the batch
   * (429/503/504) are re-sent after their Retry-After, at most maxRetries times.
   */
  async batch(urls: ReadonlyMap<string, string>): Promise<Map<string, BatchItemResult>> {
    const results = new Map<string, BatchItemResult>();
    let pending = [...urls.entries()];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (pending.length > 20) throw new Error('a Graph $batch holds at most 20 requests');
      let body: { responses?: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[] };
      try {
        body = await this.client.api('/$batch').post({ requests: pending.map(([id, url]) => ({ id, method: 'GET', url })) });
      } catch (err) {
        throw toGraphFailure(err);
      }
      const retry: [string, string][] = [];
      let waitSeconds = 0;
      for (const item of body.responses ?? []) {
        const url = urls.get(item.id);
        if (url === undefined) continue;
        if ([429, 503, 504].includes(item.status) && attempt < this.maxRetries) {
          retry.push([item.id, url]);
          waitSeconds = Math.max(waitSeconds, retryAfterSeconds(item.headers, attempt));
        } else results.set(item.id, { status: item.status, body: item.body });
      }
      for (const [id] of pending) {
        if (!results.has(id) && !retry.some(([r]) => r === id)) results.set(id, { status: -1, body: { error: { code: 'MissingBatchResponse', message: `no response for batch item ${id}` } } });
      }
      pending = retry;
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
    }
    return results;
  }
}

/** A failed `$batch` item as a GraphFailure, with Graph's own code and message. */
export function batchItemFailure(result: BatchItemResult): GraphFailure {
  const error = (result.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return new GraphFailure(result.status, error?.code ?? 'UnknownError', error?.message ?? `status ${result.status}`);
}

function retryAfterSeconds(headers: Record<string, string> | undefined, attempt: number): number {
  const raw = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  const seconds = raw === undefined ? Number.NaN : Number(raw);
  // Without Retry-After, back off exponentially as Graph's guidance asks (reference §A5.2); never over 3 minutes.
  return Math.min(Number.isFinite(seconds) && seconds >= 0 ? seconds : 2 ** attempt, 180);
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
