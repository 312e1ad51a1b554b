import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { touchAdminKey } from '../store/admin-key-repository.js';
import { deleteAdminSession } from '../store/admin-session-repository.js';
import { csrfTokenFor } from './console-csrf.js';
import { sendPage } from './console-reply.js';
import type { ConsoleRouteOptions } from './console-route-options.js';
import { consoleCookieOptions, resolveConsoleSession, SESSION_COOKIE, startConsoleSession } from './console-session.js';
import { signInPage } from './sign-in-page.js';
import { verifyAdminKey } from './verify-admin-key.js';

/** A console path, never another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console(?:[/?#]|$)/.test(next) && !next.includes('\\') && next.length <= 2000 ? next : '/console';
}

export function answerSignIn(request: FastifyRequest, reply: FastifyReply, message: string | null, next = request.method === 'GET' ? request.url : '/console'): FastifyReply {
  return sendPage(reply, signInPage({ csrfToken: csrfTokenFor(request, reply), next: safeNext(next), message }), 401);
}

/** onRequest: without a live session, answers 401 with the sign-in page and clears a dead cookie. */
export function requireSession({ store, clock }: ConsoleRouteOptions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const token = request.cookies[SESSION_COOKIE];
    const session = await resolveConsoleSession(store.db, token, clock());
    if (session) {
      request.consoleSession = session;
      return undefined;
    }
    if (token) reply.clearCookie(SESSION_COOKIE, consoleCookieOptions(request));
    return answerSignIn(request, reply, token ? 'Your session has ended (signed out, expired, or its admin key was revoked). Sign in again.' : null);
  };
}

export async function signInRoutes(app: FastifyInstance, options: ConsoleRouteOptions): Promise<void> {
  const { store, clock } = options;
  app.get('/sign-in', async (_request, reply) => reply.redirect('/console', 303));

  app.post('/sign-in', { preHandler: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as { key?: unknown; next?: unknown };
    const presented = typeof body.key === 'string' ? body.key.slice(0, 200) : '';
    const verified = presented.trim() === '' ? null : await verifyAdminKey(store.db, presented);
    if (!verified) {
      request.log.warn({ requestId: request.id }, 'console sign-in refused');
      return answerSignIn(request, reply, 'That is not a valid admin key. Only admin keys open the console (rosterd admin-key create); SCIM keys and app keys do not.', safeNext(body.next));
    }
    const now = clock();
    const { token, expiresAt } = await startConsoleSession(store.db, verified.keyId, now);
    await touchAdminKey(store.db, verified.keyId, now.toISOString());
    request.log.info({ adminKey: verified.keyId, adminName: verified.keyName }, 'console sign-in');
    reply.setCookie(SESSION_COOKIE, token, consoleCookieOptions(request, expiresAt));
    return reply.redirect(safeNext(body.next), 303);
  });
}

/** Deleting the row ends the session everywhere. */
export async function signOutRoute(app: FastifyInstance, options: ConsoleRouteOptions): Promise<void> {
  app.post('/sign-out', async (request, reply) => {
    if (request.consoleSession) await deleteAdminSession(options.store.db, request.consoleSession.id);
    reply.clearCookie(SESSION_COOKIE, consoleCookieOptions(request));
    return reply.redirect('/console', 303);
  });
}
