import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RosterdError, type RosterdErrorCode } from '../error/rosterd-error.js';
import { csrfTokenFor } from './console-csrf.js';
import { ConsoleError } from './console-error.js';
import { errorPage } from './error-page.js';
import { setSecurityHeaders } from './security-headers.js';

const STATUS_OF: Partial<Record<RosterdErrorCode, number>> = {
  ROSTERD_E_USAGE: 400,
  ROSTERD_E_NOT_FOUND: 404,
  ROSTERD_E_CONFLICT: 409,
  ROSTERD_E_PLAN: 409,
  ROSTERD_E_REFUSED: 409,
  ROSTERD_E_CONNECTOR: 502,
  ROSTERD_E_CONFIG: 500,
};

/** Unknown failures are 500s naming the request id. */
export function toConsoleError(error: unknown, requestId: string): { error: ConsoleError; unexpected: boolean } {
  if (error instanceof ConsoleError) return { error, unexpected: false };
  if (error instanceof RosterdError) {
    const status = STATUS_OF[error.code];
    if (status !== undefined) return { error: new ConsoleError(status, status === 404 ? 'Not found' : 'Refused', `${error.message} [${error.code}]`), unexpected: false };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_CSRF_')) {
    return { error: new ConsoleError(403, 'Form refused', 'This form has expired or did not come from this console. Reload the page and submit it again.'), unexpected: false };
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500 && typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_')) {
    return { error: new ConsoleError(fastifyError.statusCode, 'Request refused', `The request was refused (${fastifyError.code}).`), unexpected: false };
  }
  return { error: new ConsoleError(500, 'Something went wrong', `Internal error (request id ${requestId}); the gateway's log has the details.`), unexpected: true };
}

/** Scoped to the console plugin: console errors are HTML pages, while SCIM and the app API keep their own. */
export async function consoleErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { error: consoleError, unexpected } = toConsoleError(error, request.id);
  if (unexpected) request.log.error({ err: error, requestId: request.id }, 'console request failed');
  const session = request.consoleSession;
  let csrfToken = '';
  try {
    if (session) csrfToken = csrfTokenFor(request, reply);
  } catch {
    // The page still says what went wrong; only its sign-out button lacks a token.
  }
  setSecurityHeaders(reply);
  await reply
    .code(consoleError.status)
    .type('text/html; charset=utf-8')
    .send(errorPage(consoleError.status, consoleError.title, consoleError.message, { admin: session?.keyName ?? null, csrfToken }).text);
}
