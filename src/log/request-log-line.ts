import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from './create-logger.js';

/**
 * The one line per request (`log.requests`): method, route template, status, time, workspace and request id. Its
 * fields are known and hold no secret (the route template, never the raw URL with its filter values), so it is
 * written by a child without the redaction pass, which costs more than the rest of the line; and it carries the
 * request id itself rather than making the request's child logger, which would serialise its bindings.
 */
export function requestLogLine(log: Logger): (request: FastifyRequest, reply: FastifyReply) => void {
  const plain = log.child({}, { redact: { paths: [] } });
  return (request, reply) => {
    plain.info(
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
