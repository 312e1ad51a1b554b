import type { FastifyCsrfProtectionOptions } from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { consoleCookieOptions } from './console-session.js';

// CSRF protection of every console POST: a random secret in an HttpOnly, SameSite=Strict cookie, and per form a token
// bound to the session id (known only to the session cookie's holder), so tokens from another session or a sibling
// site fail. The sign-in form is bound to NO_SESSION. Invalid tokens get 403.

export const CSRF_COOKIE = 'rosterd_console_csrf';

/** The library refuses an empty binding. */
const NO_SESSION = 'signed-out';

const sessionBinding = (request: FastifyRequest): string => request.consoleSession?.id ?? NO_SESSION;

export const csrfProtectionOptions: FastifyCsrfProtectionOptions = {
  cookieKey: CSRF_COOKIE,
  cookieOpts: { path: '/console', httpOnly: true, sameSite: 'strict' },
  getUserInfo: sessionBinding,
  getToken: (request) => {
    const body = request.body as { _csrf?: unknown } | undefined;
    return typeof body?._csrf === 'string' ? body._csrf : undefined;
  },
  // Strength comes from the secret and session binding; this key only has to match across instances and workers.
  csrfOpts: { userInfo: true, hmacKey: 'rosterd console csrf' },
};

/** Sets the secret cookie on the first visit. */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ ...consoleCookieOptions(request), userInfo: sessionBinding(request) });
}
