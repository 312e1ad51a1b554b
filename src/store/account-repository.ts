import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/** The account for a normalized email, created on first sight. Accounts are never deleted by provisioning. */
export async function ensureAccount(db: Kysely<Database>, email: string, now: string): Promise<string> {
  await db
    .insertInto('account')
    .values({ id: randomUUID(), email, created_at: now })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  const row = await db.selectFrom('account').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return row.id;
}
