import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { WriteConflict } from '../store/change-writer.js';
import { DatabaseBusy } from '../store/database-busy.js';
import { PolicyRefused } from '../reconcile/policy-refused.js';
import { invalidSyntax, ScimError, uniqueness } from './scim-error.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** A longer path parameter gets 414. */
export const MAX_PARAM_LENGTH = 500;

/** Unknown failures are 500s with a request id, never 404s. */
export function toScimError(error: unknown, requestId: string): { error: ScimError; unexpected: boolean } {
  if (error instanceof ScimError) return { error, unexpected: false };
  if (error instanceof PolicyRefused) return { error: new ScimError(error.refusal.status, error.refusal.scimType, error.refusal.detail), unexpected: false };
  if (error instanceof WriteConflict) {
    if (error.failure === 'conflict') return { error: uniqueness(error.message), unexpected: false };
    return { error: new ScimError(404, undefined, error.message), unexpected: false };
  }
  if (error instanceof DatabaseBusy) {
    return { error: new ScimError(503, undefined, `the database is busy (another process held its write lock for ${error.waitedMs} ms); nothing changed; retry the request`, 1), unexpected: false };
  }
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { error: new ScimError(413, undefined, 'request body is too large (server.bodyLimit): split the request (for example, fewer group members per PATCH)'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { error: new ScimError(415, undefined, 'unsupported Content-Type: send application/scim+json or application/json'), unexpected: false };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { error: invalidSyntax('request body is empty: send a JSON object'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { error: invalidSyntax('Content-Length does not match the body'), unexpected: false };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { error: new ScimError(414, undefined, `a path segment of the URL is too long: resource ids and workspace ids are at most ${MAX_PARAM_LENGTH} characters`), unexpected: false };
    case 'FST_ERR_BAD_URL':
      return { error: invalidSyntax('the URL is not valid: a path segment has a malformed percent-encoding'), unexpected: false };
  }
  if (fastifyError.statusCode === 400 && (error instanceof SyntaxError || /JSON/i.test(fastifyError.message ?? ''))) {
    // The parser's message can quote the body (a password, megabytes): only the position is kept.
    const position = /position (\d+)/.exec(fastifyError.message ?? '')?.[1];
    return { error: invalidSyntax(`request body is not valid JSON${position === undefined ? '' : ` (at character ${position})`}: send one JSON object`), unexpected: false };
  }
  // Other framework refusals are the client's to fix, with the framework's status.
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500 && typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_')) {
    return { error: new ScimError(fastifyError.statusCode, fastifyError.statusCode === 400 ? 'invalidSyntax' : undefined, `the request was refused (${fastifyError.code})`), unexpected: false };
  }
  return {
    error: new ScimError(500, undefined, `internal error (request id ${requestId}); the gateway's log has the details`),
    unexpected: true,
  };
}

export async function scimErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { error: scimError, unexpected } = toScimError(error, request.id);
  if (unexpected) request.log.error({ err: error, requestId: request.id }, 'SCIM request failed');
  else if (scimError.status >= 500) request.log.warn({ requestId: request.id, detail: scimError.detail }, 'SCIM request failed');
  if (scimError.status === 401) reply.header('www-authenticate', 'Bearer realm="rosterd"');
  if (scimError.retryAfterSeconds !== undefined) reply.header('retry-after', String(scimError.retryAfterSeconds));
  await reply.code(scimError.status).type(SCIM_CONTENT_TYPE).send(scimError.toBody());
}
