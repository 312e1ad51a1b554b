import type { Kysely } from 'kysely';
import type { Database } from './database.js';

type Db = Kysely<Database>;

export interface AdminSession {
  /** Hex SHA-256 of the cookie's token. */
  id: string;
  keyId: string;
  keyName: string;
  expiresAt: string;
}

export async function insertAdminSession(db: Db, session: { id: string; keyId: string; createdAt: string; expiresAt: string }): Promise<void> {
  await db.insertInto('admin_session').values({ id: session.id, admin_key_id: session.keyId, created_at: session.createdAt, expires_at: session.expiresAt }).execute();
}

/** Read on every console request: a revocation or sign-out ends it everywhere at once. */
export async function findLiveAdminSession(db: Db, id: string, now: string): Promise<AdminSession | undefined> {
  const row = await db
    .selectFrom('admin_session')
    .innerJoin('admin_key', 'admin_key.id', 'admin_session.admin_key_id')
    .select(['admin_session.id', 'admin_session.expires_at', 'admin_key.id as key_id', 'admin_key.name as key_name'])
    .where('admin_session.id', '=', id)
    .where('admin_session.expires_at', '>', now)
    .where('admin_key.revoked_at', 'is', null)
    .executeTakeFirst();
  return row && { id: row.id, keyId: row.key_id, keyName: row.key_name, expiresAt: row.expires_at };
}

export async function deleteAdminSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('admin_session').where('id', '=', id).execute();
}

/** Run at each sign-in. */
export async function deleteExpiredAdminSessions(db: Db, now: string): Promise<void> {
  await db.deleteFrom('admin_session').where('expires_at', '<=', now).execute();
}
