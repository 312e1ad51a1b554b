import type { Kysely } from 'kysely';
import { timeOrderedId } from '../model/time-ordered-id.js';
import type { Database } from './database.js';
import { dialectOf } from './dialect-support.js';
import { preparedQuery } from './prepared-query.js';
import { insertChunk, rowChunks } from './bulk-insert.js';
import { listChunks } from './list-chunks.js';

// An existing account is read, never updated: a write would lock its row until commit, and writes of two workspaces
// sharing people (in batches, in any order) could then deadlock on each other's accounts.

const insertAccount = preparedQuery(
  (db, id: string, email: string, createdAt: string) =>
    db.insertInto('account').values({ id, email, created_at: createdAt }).onConflict((oc) => oc.column('email').doNothing()).returning('id'),
  ['', '', ''],
);

const accountIdOf = preparedQuery((db, email: string) => db.selectFrom('account').select('id').where('email', '=', email), ['']);

/** Provisioning never deletes accounts. */
export async function ensureAccount(db: Kysely<Database>, email: string, now: string): Promise<string> {
  const [inserted] = await insertAccount(db, timeOrderedId(), email, now);
  const row = inserted ?? (await accountIdOf(db, email))[0];
  if (!row) throw new Error(`the account for ${email} was neither created nor found`);
  return row.id;
}

const ACCOUNT_COLUMNS = ['id', 'email', 'created_at'] as const;

/** email → account id, in a few statements. */
export async function ensureAccounts(db: Kysely<Database>, emails: readonly string[], now: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const distinct = [...new Set(emails)];
  const rows = distinct.map((email) => ({ id: timeOrderedId(), email, created_at: now }));
  for (const chunk of rowChunks(db, 'account', ACCOUNT_COLUMNS, rows)) {
    const inserted = await insertChunk(db.insertInto('account'), ACCOUNT_COLUMNS, chunk).onConflict((oc) => oc.column('email').doNothing()).returning(['id', 'email']).execute();
    for (const row of inserted) ids.set(row.email, row.id);
  }
  const existing = distinct.filter((email) => !ids.has(email));
  for (const chunk of listChunks(existing, dialectOf(db).chunks.keys)) {
    const found = await db.selectFrom('account').select(['id', 'email']).where('email', 'in', chunk).execute();
    for (const row of found) ids.set(row.email, row.id);
  }
  return ids;
}
