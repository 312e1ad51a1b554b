import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from './create-logger.js';

/** One line per request. Its fields hold no secret (route template, not raw URL), so it skips the costly redaction. */
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
