import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { findMemberById } from '../../../src/store/member-repository.js';
import { openTestStore, type TestStore } from '../../support/test-store.js';

/**
 * A long SQLite write transaction gives the event loop turns between its statements, and the lookups IdPs send
 * answer meanwhile from their own connection, with what is committed.
 */
describe('a long write on sqlite', () => {
  let db: TestStore;
  const now = new Date().toISOString();

  beforeAll(async () => {
    db = await openTestStore('sqlite');
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now });
    await db.store.db.insertInto('account').values({ id: 'a1', email: 'ann@acme.example', created_at: now }).execute();
    await db.store.db
      .insertInto('membership')
      .values({ id: 'm1', workspace_id: 'acme', account_id: 'a1', user_name: 'ann@acme.example', user_name_lower: 'ann@acme.example', active: 1, owner: 0, last_source: 'test', version: 1, created_at: now, updated_at: now, title: 'before' } as never)
      .execute();
  });
  afterAll(() => db.cleanup());

  it('lets other work run between its statements, and a lookup meanwhile sees only what is committed', async () => {
    let writing = true;
    let turns = 0;
    const seenDuringWrite: (string | null | undefined)[] = [];
    const probe = () => {
      if (!writing) return;
      turns++;
      void findMemberById(db.store.db, 'acme', 'm1').then((member) => {
        if (writing) seenDuringWrite.push(member?.title);
      });
      setImmediate(probe);
    };

    const write = db.store.writeTransaction(async (trx) => {
      await trx.updateTable('membership').set({ title: 'after' }).where('id', '=', 'm1').execute();
      // Enough statements to outlast many slices, whatever the machine's speed: until the probe has seen 20 turns.
      for (let i = 0; i < 100_000 && turns < 20; i++) await trx.selectFrom('workspace').select('revision').where('id', '=', 'acme').execute();
      return 'written';
    });
    setImmediate(probe);
    await expect(write).resolves.toBe('written');
    writing = false;

    expect(turns).toBeGreaterThanOrEqual(20);
    expect(seenDuringWrite.length).toBeGreaterThan(0);
    expect(new Set(seenDuringWrite)).toEqual(new Set(['before']));
    expect((await findMemberById(db.store.db, 'acme', 'm1'))?.title).toBe('after');
  });
});
