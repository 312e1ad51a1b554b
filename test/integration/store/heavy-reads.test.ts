import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { heavyRead } from '../../../src/scim/heavy-read.js';
import { HeavyRequestGate } from '../../../src/scim/heavy-request-gate.js';
import { DEFAULT_SCIM_BUDGETS } from '../../../src/scim/scim-budgets.js';
import type { ScimContext } from '../../../src/scim/scim-context.js';
import { QueryTimeout } from '../../../src/store/query-timeout.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

/** A read that takes far longer than the test's limit: a recursive count on SQLite, pg_sleep on PostgreSQL. */
const slowRead = (dialect: string) =>
  dialect === 'sqlite'
    ? sql<{ n: number }>`with recursive c(i) as (select 1 union all select i + 1 from c where i < 1000000000) select count(*) as n from c`
    : sql<{ n: number }>`select pg_sleep(30)::text as n`;

describe.each(DIALECTS)('heavy reads on %s', (dialect) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('run beside the main connection and see what it committed', async () => {
    opened = await openTestStore(dialect);
    const { store } = opened;
    await createWorkspace(store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
    const rows = await store.heavyReads.selectFrom('workspace').select('id').where('id', '=', 'acme').execute();
    expect(rows).toEqual([{ id: 'acme' }]);
  });

  it('are stopped after their time limit, and the next read works', async () => {
    opened = await openTestStore(dialect, { heavyReadTimeoutMs: 200, heavyReadConnections: 1 });
    const { store } = opened;
    const stopped = slowRead(dialect).execute(store.heavyReads);
    if (dialect === 'sqlite') await expect(stopped).rejects.toBeInstanceOf(QueryTimeout);
    else await expect(stopped).rejects.toMatchObject({ code: '57014' });
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(store.heavyReads);
    expect(Number(rows[0]?.one)).toBe(1);
  });

  it('a SCIM read stopped for time is a 400 tooMany that names the budget', async () => {
    opened = await openTestStore(dialect, { heavyReadTimeoutMs: 200, heavyReadConnections: 1 });
    const ctx = {
      store: opened.store,
      workspace: { id: 'acme' },
      budgets: { ...DEFAULT_SCIM_BUDGETS, queryTimeoutMs: 200 },
      heavyGate: new HeavyRequestGate(1, 1),
    } as unknown as ScimContext;
    await expect(heavyRead(ctx, (db) => slowRead(dialect).execute(db))).rejects.toMatchObject({
      status: 400,
      scimType: 'tooMany',
      detail: expect.stringContaining('scim.budgets.queryTimeoutMs'),
    });
  });
});
