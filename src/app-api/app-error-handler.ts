import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { WorkspaceBusy } from '../scim/heavy-request-gate.js';
import { QueryTimeout } from '../store/query-timeout.js';
import { AppApiError } from './app-api-error.js';

/** SQLSTATE query_canceled (statement_timeout). */
const QUERY_CANCELED = '57014';

/** Unknown failures are 500s naming the request id. */
export function toAppApiError(error: unknown, requestId: string): { error: AppApiError; unexpected: boolean } {
  if (error instanceof AppApiError) return { error, unexpected: false };
  if (error instanceof WorkspaceBusy) return { error: new AppApiError('busy', `this workspace is serving as many listings as it may at once; retry after ${error.retryAfterSeconds} s`), unexpected: false };
  if (error instanceof QueryTimeout || (error as { code?: unknown } | null)?.code === QUERY_CANCELED) {
    return { error: new AppApiError('query_timeout', 'the read ran longer than the database allows and was stopped; ask for a smaller limit'), unexpected: false };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    return { error: new AppApiError('invalid_request', `${fastifyError.message ?? 'the request is not valid'}; see /api/v1/openapi.json`), unexpected: false };
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500 && typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_')) {
    return { error: new AppApiError(fastifyError.statusCode === 404 ? 'not_found' : 'invalid_request', `the request was refused (${fastifyError.code})`), unexpected: false };
  }
  return { error: new AppApiError('internal', `internal error (request id ${requestId}); the gateway's log has the details`), unexpected: true };
}

export async function appErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { error: appError, unexpected } = toAppApiError(error, request.id);
  if (unexpected) request.log.error({ err: error, requestId: request.id }, 'app API request failed');
  if (appError.status === 401) reply.header('www-authenticate', 'Bearer realm="rosterd-app"');
  if (appError.code === 'busy') reply.header('retry-after', '1');
  await reply.code(appError.status).type('application/json; charset=utf-8').send(appError.toBody());
}
