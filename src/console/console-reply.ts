import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfTokenFor } from './console-csrf.js';
import type { PageContext } from './console-page.js';
import type { Html } from './html.js';

export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  return { admin: request.consoleSession?.keyName ?? null, csrfToken: csrfTokenFor(request, reply) };
}

export function sendPage(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.text);
}
