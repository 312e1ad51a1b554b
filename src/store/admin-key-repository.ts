import type { Kysely } from 'kysely';
import type { AdminKeyRow, Database } from './database.js';

type Db = Kysely<Database>;

/** Never the hash. */
export interface AdminKeyInfo {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const toAdminKeyInfo = (row: AdminKeyRow): AdminKeyInfo => ({
  id: row.id,
  name: row.name,
  description: row.description,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export async function insertAdminKey(db: Db, key: { id: string; name: string; description: string | null; hash: string; createdAt: string }): Promise<void> {
  await db
    .insertInto('admin_key')
    .values({ id: key.id, name: key.name, description: key.description, hash: key.hash, created_at: key.createdAt, last_used_at: null, revoked_at: null })
    .execute();
}

export async function findAdminKey(db: Db, id: string): Promise<AdminKeyRow | undefined> {
  return db.selectFrom('admin_key').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAdminKeys(db: Db): Promise<AdminKeyInfo[]> {
  const rows = await db.selectFrom('admin_key').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toAdminKeyInfo);
}

/** A revocation needs exactly one. */
export async function activeAdminKeysNamed(db: Db, idOrName: string): Promise<AdminKeyInfo[]> {
  const rows = await db
    .selectFrom('admin_key')
    .selectAll()
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .orderBy('id')
    .execute();
  return rows.map(toAdminKeyInfo);
}

/** Revoking ends the sessions; the delete clears their rows. */
export async function revokeAdminKeyById(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('admin_key').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  await db.deleteFrom('admin_session').where('admin_key_id', '=', id).execute();
}

export async function touchAdminKey(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('admin_key').set({ last_used_at: now }).where('id', '=', id).execute();
}
