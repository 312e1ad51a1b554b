import type { FastifyReply } from 'fastify';

/**
 * The console's pages load nothing but its own stylesheet: no scripts at all, no inline styles, no frames, forms that
 * post only to the gateway. Member names, group names and log lines come from IdPs and are escaped on the way out
 * (html.ts); this policy is the second wall, should anything slip through.
 */
export const CONSOLE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Set on every console response, pages and errors alike; nothing the console shows is cached. */
export function setSecurityHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', CONSOLE_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cache-control', 'no-store');
}
