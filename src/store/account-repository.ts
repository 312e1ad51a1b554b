import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/** The account for a normalized email, created on first sight. Accounts are never deleted by provisioning. */
export async function ensureAccount(db: Kysely<Database>, email: string, now: string): Promise<string> {
  // One statement on both databases: the no-op update makes RETURNING yield the existing row's id too.
  const row = await db
    .insertInto('account')
    .values({ id: randomUUID(), email, created_at: now })
    .onConflict((oc) => oc.column('email').doUpdateSet((eb) => ({ email: eb.ref('excluded.email') })))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
