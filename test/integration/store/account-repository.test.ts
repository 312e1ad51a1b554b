import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccount, ensureAccounts } from '../../../src/store/account-repository.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

const NOW = '2026-12-05T00:00:00.000Z';

describe.each(DIALECTS)('accounts on %s', (dialect) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore(dialect);
  });
  afterAll(() => db.cleanup());

  it('creates an account once and finds it by email after', async () => {
    const id = await ensureAccount(db.store.db, 'ada@example.com', NOW);
    expect(await ensureAccount(db.store.db, 'ada@example.com', NOW)).toBe(id);
    const ids = await ensureAccounts(db.store.db, ['ada@example.com', 'grace@example.com', 'grace@example.com'], NOW);
    expect(ids.get('ada@example.com')).toBe(id);
    expect(ids.size).toBe(2);
    expect(await ensureAccount(db.store.db, 'grace@example.com', NOW)).toBe(ids.get('grace@example.com'));
  });
});

describe('accounts on postgres, shared by concurrent writes', () => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore('postgres');
  });
  afterAll(() => db.cleanup());

  it('never lock an existing account: two transactions taking the same two in opposite orders both go through', async () => {
    const emails = ['x@example.com', 'y@example.com'];
    await ensureAccounts(db.store.db, emails, NOW);
    const took: (() => void)[] = [];
    const bothTookOne = Promise.all([0, 1].map(() => new Promise<void>((resolve) => took.push(resolve))));
    const inOrder = async (order: string[], tookOne: () => void) =>
      db.store.db.transaction().execute(async (trx) => {
        // A deadlock would end one of them within the lock timeout rather than the server's one-second check.
        await sql`set local lock_timeout = '5s'`.execute(trx);
        const first = await ensureAccount(trx, order[0]!, NOW);
        tookOne();
        await bothTookOne;
        return [first, await ensureAccount(trx, order[1]!, NOW)];
      });
    const [a, b] = await Promise.all([inOrder(emails, took[0]!), inOrder([...emails].reverse(), took[1]!)]);
    expect(a).toEqual([...b!].reverse());
  });
});
