import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { membersMatching } from '../../../src/store/member-and-group-reads.js';
import { insertChunk, rowChunks } from '../../../src/store/bulk-insert.js';
import { StatementCounter } from '../../support/statement-counter.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

const MEMBERS = 2_000;

/**
 * The reads a pull cycle matches IdP pages with: every member found by externalId or userName, only in its
 * workspace; on PostgreSQL through index probes even when the planner's statistics describe an empty table,
 * as they do after a first pull filled it (dialect-support.ts `membersByKey`).
 */
describe.each(DIALECTS)('members by key on %s', (dialect) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore(dialect);
    const now = new Date().toISOString();
    for (const id of ['acme', 'other']) await createWorkspace(db.store.db, { id, version: 'v2', now });
    // The statistics of the empty tables, as when a workspace's first pull begins.
    await db.store.dialect.analyze(['membership', 'account'])?.execute(db.store.db);
    const accounts = Array.from({ length: MEMBERS }, (_, n) => ({ id: `a${n}`, email: `user${n}@x.com`, created_at: now }));
    const members = ['acme', 'other'].flatMap((workspace) =>
      accounts.map((a, n) => ({
        id: `${workspace}-${n}`, workspace_id: workspace, account_id: a.id, external_id: `ext-${n}`, user_name: `User${n}@X.com`, user_name_lower: `user${n}@x.com`,
        active: 1, owner: 0, last_source: 'test', version: 1, created_at: now, updated_at: now,
      })),
    );
    const accountColumns = ['id', 'email', 'created_at'] as const;
    for (const chunk of rowChunks(db.store.db, 'account', accountColumns, accounts, 500)) await insertChunk(db.store.db.insertInto('account'), accountColumns, chunk).execute();
    const memberColumns = Object.keys(members[0]!) as (keyof (typeof members)[number])[];
    for (const chunk of rowChunks(db.store.db, 'membership', memberColumns, members, 500)) await insertChunk(db.store.db.insertInto('membership'), memberColumns, chunk).execute();
  });
  afterAll(() => db.cleanup());

  it('finds members by externalId and by userName in any case, only in the given workspace', async () => {
    const found = await membersMatching(db.store.db, 'acme', ['ext-1', 'ext-2', 'ext-none'], ['USER3@x.com', 'user1@X.COM', 'nobody@x.com']);
    expect(found.map((m) => m.id).sort()).toEqual(['acme-1', 'acme-2', 'acme-3']);
    expect(found.every((m) => m.workspaceId === 'acme')).toBe(true);
  });

  it('probes userNames only where no member found by externalId holds them', async () => {
    const statements = new StatementCounter();
    const counted = db.store.db.withPlugin(statements);
    // The next cycle's usual page: every userName belongs to a member its externalId finds.
    const same = await membersMatching(counted, 'acme', ['ext-1', 'ext-2'], ['User1@X.com', 'USER2@x.com']);
    expect(same.map((m) => m.id).sort()).toEqual(['acme-1', 'acme-2']);
    expect(statements.count).toBe(1);
    statements.count = 0;
    // One name is someone else's (a member to adopt, or a conflict): it is still probed.
    const other = await membersMatching(counted, 'acme', ['ext-1'], ['user1@x.com', 'user4@x.com']);
    expect(other.map((m) => m.id).sort()).toEqual(['acme-1', 'acme-4']);
    expect(statements.count).toBe(2);
  });

  it('reads more keys than one statement takes', async () => {
    const ids = Array.from({ length: 1_500 }, (_, n) => `ext-${n}`);
    const found = await membersMatching(db.store.db, 'other', ids, []);
    expect(found).toHaveLength(1_500);
    expect(new Set(found.map((m) => m.id)).size).toBe(1_500);
  });

  it.runIf(dialect === 'postgres')('probes the unique indexes although the statistics say the table is empty', async () => {
    const keys = Array.from({ length: 1_000 }, (_, n) => `ext-${n * 2}`);
    for (const column of ['external_id', 'user_name_lower'] as const) {
      const query = db.store.dialect.membersByKey('acme', column, keys).compile(db.store.db);
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${sql.raw(query.sql.replace(/\$(\d+)/g, (_, i: string) => literal(query.parameters[Number(i) - 1])))}`.execute(db.store.db);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index Scan using membership_(external_id|user_name)_uq/);
      expect(plan).not.toMatch(/Seq Scan on membership|Bitmap Heap Scan on membership|Hash Join/);
    }
  });

  it.runIf(dialect === 'postgres')('refreshes the statistics when asked', async () => {
    await db.store.dialect.analyze(['membership'])!.execute(db.store.db);
    const { rows } = await sql<{ reltuples: number }>`select reltuples from pg_class where oid = 'membership'::regclass`.execute(db.store.db);
    expect(Number(rows[0]!.reltuples)).toBe(2 * MEMBERS);
  });

  it.runIf(dialect === 'sqlite')('has no statistics to refresh and no JSON statement', () => {
    expect(db.store.dialect.analyze(['membership'])).toBeNull();
    expect(db.store.dialect.jsonRows).toBeNull();
  });
});

/** A parameter as an SQL literal, for EXPLAIN of a compiled query (EXPLAIN takes no parameters). */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `array[${value.map(literal).join(',')}]::text[]`;
  return `'${String(value).replace(/'/g, "''")}'`;
}
