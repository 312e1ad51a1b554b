import { hash, randomBytes } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { deleteExpiredAdminSessions, findLiveAdminSession, insertAdminSession, type AdminSession } from '../store/admin-session-repository.js';
import type { Database } from '../store/database.js';

/**
 * Console sessions are rows in the shared database (admin_session), found by the SHA-256 of a random 256-bit token
 * that only the HttpOnly cookie carries. Every console request reads its row and its admin key, so signing out or
 * revoking the key (`rosterd admin-key revoke`) ends the session on every instance and HTTP worker at once, and no
 * signing secret has to be shared between them.
 */
export type ConsoleSession = AdminSession;

export const SESSION_COOKIE = 'rosterd_console';

/** How long a sign-in lasts: a working day. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in admin of a console request (null before the session hook, or on the public routes). */
    consoleSession: ConsoleSession | null;
  }
}

export const sessionIdOf = (token: string): string => hash('sha256', token, 'hex');

/** A new session for the admin key; the token is for the cookie and is never stored. */
export async function startConsoleSession(db: Kysely<Database>, keyId: string, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await deleteExpiredAdminSessions(db, now.toISOString());
  await insertAdminSession(db, { id: sessionIdOf(token), keyId, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
  return { token, expiresAt };
}

/** The live session a cookie token names, or null (no cookie, signed out, expired, key revoked, or made up). */
export async function resolveConsoleSession(db: Kysely<Database>, token: string | undefined, now: Date): Promise<ConsoleSession | null> {
  if (!token || token.length > 100) return null;
  return (await findLiveAdminSession(db, sessionIdOf(token), now.toISOString())) ?? null;
}

/**
 * The console's cookies: HttpOnly, SameSite=Strict, scoped to /console, and Secure when the request came over HTTPS
 * (request.protocol, which honours X-Forwarded-Proto when server.trustProxy is on).
 */
export function consoleCookieOptions(request: FastifyRequest, expires?: Date): CookieSerializeOptions {
  return { path: '/console', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', ...(expires ? { expires } : {}) };
}
