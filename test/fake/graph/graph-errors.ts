import { randomUUID } from 'node:crypto';

/**
 * Graph's error body. `innerError` is spelled with a capital E because that is
 * what the SDK reads `requestId` and `date` from; a fake that wrote `innererror` would hide those.
 */
export interface GraphErrorBody {
  error: { code: string; message: string; innerError: { date: string; 'request-id': string; 'client-request-id': string } };
}

export interface GraphResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export function graphErrorBody(code: string, message: string, clientRequestId?: string): GraphErrorBody {
  const requestId = randomUUID();
  return {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId },
    },
  };
}

/** Thrown inside a route to answer with a Graph-shaped error. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toResponse(clientRequestId?: string): GraphResponse {
    return { status: this.status, headers: this.headers, body: graphErrorBody(this.code, this.message, clientRequestId) };
  }
}

export const badRequest = (message: string, code = 'Request_BadRequest'): GraphHttpError => new GraphHttpError(400, code, message);

export const notFound = (id: string): GraphHttpError =>
  new GraphHttpError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);

/** The canned failure for an injected status, with the code Graph uses for it. */
export function faultResponse(status: number, retryAfterSeconds: number, clientRequestId?: string): GraphResponse {
  const codes: Record<number, [string, string]> = {
    401: ['InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'],
    403: ['Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
    429: ['TooManyRequests', 'Please retry again later.'],
    500: ['generalException', 'General exception while processing.'],
    502: ['badGateway', 'Bad gateway.'],
    503: ['serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.'],
    504: ['gatewayTimeout', 'The gateway did not receive a timely response.'],
  };
  const [code, message] = codes[status] ?? ['UnknownError', `Injected ${status}.`];
  // Graph sends Retry-After on throttling and on 503/504.
  const headers: Record<string, string> = [429, 503, 504].includes(status) ? { 'Retry-After': String(retryAfterSeconds) } : {};
  return { status, headers, body: graphErrorBody(code, message, clientRequestId) };
}
