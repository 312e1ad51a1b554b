import type { FastifyReply } from 'fastify';

/** No scripts, inline styles or frames; forms post only to the gateway. A second wall behind escaping in html.ts. */
export const CONSOLE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** On every console response; nothing the console shows is cached. */
export function setSecurityHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', CONSOLE_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cache-control', 'no-store');
}
