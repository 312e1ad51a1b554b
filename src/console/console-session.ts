import { hash, randomBytes } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { deleteExpiredAdminSessions, findLiveAdminSession, insertAdminSession, type AdminSession } from '../store/admin-session-repository.js';
import type { Database } from '../store/database.js';

// Console sessions are rows in the shared database, found by the SHA-256 of a random token only the HttpOnly cookie
// carries. Every request reads the row and its admin key, so sign-out or key revocation ends the session on every
// instance at once, and no signing secret needs sharing.

export type ConsoleSession = AdminSession;

export const SESSION_COOKIE = 'rosterd_console';

/** A working day. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    /** Null before the session hook and on public routes. */
    consoleSession: ConsoleSession | null;
  }
}

export const sessionIdOf = (token: string): string => hash('sha256', token, 'hex');

/** The token is for the cookie and is never stored. */
export async function startConsoleSession(db: Kysely<Database>, keyId: string, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await deleteExpiredAdminSessions(db, now.toISOString());
  await insertAdminSession(db, { id: sessionIdOf(token), keyId, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
  return { token, expiresAt };
}

/** Null when missing, signed out, expired, revoked or made up. */
export async function resolveConsoleSession(db: Kysely<Database>, token: string | undefined, now: Date): Promise<ConsoleSession | null> {
  if (!token || token.length > 100) return null;
  return (await findLiveAdminSession(db, sessionIdOf(token), now.toISOString())) ?? null;
}

/** Secure when the request came over HTTPS (request.protocol honours X-Forwarded-Proto with trustProxy). */
export function consoleCookieOptions(request: FastifyRequest, expires?: Date): CookieSerializeOptions {
  return { path: '/console', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', ...(expires ? { expires } : {}) };
}
