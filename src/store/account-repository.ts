import type { Kysely } from 'kysely';
import { timeOrderedId } from '../model/time-ordered-id.js';
import type { Database } from './database.js';
import { preparedQuery } from './prepared-query.js';
import { insertChunk, rowChunks } from './bulk-insert.js';

/** The no-op update makes RETURNING yield an existing id; compiled once. */
const upsertAccount = preparedQuery(
  (db, id: string, email: string, createdAt: string) =>
    db
      .insertInto('account')
      .values({ id, email, created_at: createdAt })
      .onConflict((oc) => oc.column('email').doUpdateSet((eb) => ({ email: eb.ref('excluded.email') })))
      .returning('id'),
  ['', '', ''],
);

/** Provisioning never deletes accounts. */
export async function ensureAccount(db: Kysely<Database>, email: string, now: string): Promise<string> {
  const [row] = await upsertAccount(db, timeOrderedId(), email, now);
  if (!row) throw new Error(`the account for ${email} was neither created nor found`);
  return row.id;
}

const ACCOUNT_COLUMNS = ['id', 'email', 'created_at'] as const;

/** email → account id, in a few statements. */
export async function ensureAccounts(db: Kysely<Database>, emails: readonly string[], now: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  // PostgreSQL refuses an upsert touching a row twice.
  const distinct = [...new Set(emails)];
  const rows = distinct.map((email) => ({ id: timeOrderedId(), email, created_at: now }));
  for (const chunk of rowChunks(db, 'account', ACCOUNT_COLUMNS, rows)) {
    const inserted = await insertChunk(db.insertInto('account'), ACCOUNT_COLUMNS, chunk)
      .onConflict((oc) => oc.column('email').doUpdateSet((eb) => ({ email: eb.ref('excluded.email') })))
      .returning(['id', 'email'])
      .execute();
    for (const row of inserted) ids.set(row.email, row.id);
  }
  return ids;
}
