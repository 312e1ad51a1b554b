import type { FastifyCsrfProtectionOptions } from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { consoleCookieOptions } from './console-session.js';

/**
 * CSRF protection of every console POST (@fastify/csrf-protection over @fastify/cookie): a random secret in an
 * HttpOnly, SameSite=Strict cookie, and in each form a token made from it, bound to the signed-in session (the
 * session id, which only the session cookie's holder knows), so a token tossed in from another session or a sibling
 * site does not pass. The sign-in form, before any session, is bound to NO_SESSION. A POST without a valid token
 * gets 403.
 */
export const CSRF_COOKIE = 'rosterd_console_csrf';

/** What a token is bound to before sign-in (the library refuses an empty binding). */
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
  // The token's strength is the cookie's random secret and the session it is bound to; this key only has to be the
  // same on every instance and worker, so any of them verifies a token another one made.
  csrfOpts: { userInfo: true, hmacKey: 'rosterd console csrf' },
};

/** A token for the forms of the page being rendered (setting the secret cookie on the first visit). */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ ...consoleCookieOptions(request), userInfo: sessionBinding(request) });
}
