import { sql, type Kysely } from 'kysely';

// A member's link to a group was the change kind `membership`, the name of the members' own table; it is now
// `group_member`, the table the links live in. Kept plans (their changes are JSON text, where the sequence
// `"kind":"membership"` can only be that property: a string holding it would have its quotes escaped) and the
// provisioning log are renamed with it.

const rename = async (db: Kysely<any>, from: string, to: string) => {
  await db
    .updateTable('plan_change')
    .set({ change: sql`replace(change, ${`"kind":"${from}"`}, ${`"kind":"${to}"`})` })
    .where('change', 'like', `%"kind":"${from}"%`)
    .execute();
  await db.updateTable('provisioning_log').set({ target_kind: to }).where('target_kind', '=', from).execute();
  await db
    .updateTable('provisioning_log')
    .set({ operation: sql`${`${to}.`} || substr(operation, ${from.length + 2})` })
    .where('target_kind', '=', to)
    .where('operation', 'like', `${from}.%`)
    .execute();
};

export async function up(db: Kysely<any>): Promise<void> {
  await rename(db, 'membership', 'group_member');
}

export async function down(db: Kysely<any>): Promise<void> {
  await rename(db, 'group_member', 'membership');
}
