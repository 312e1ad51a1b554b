import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from './create-logger.js';

/**
 * One line per request, written by `log` without a redaction pass: its fields (the route template, never the raw
 * URL) hold no secret. The request id is a field, so the request's own child logger is never made.
 */
export function requestLogLine(log: Logger): (request: FastifyRequest, reply: FastifyReply) => void {
  return (request, reply) => {
    log.info(
      {
        reqId: request.id,
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        workspaceId: request.scim?.workspace.id,
      },
      'request',
    );
  };
}
