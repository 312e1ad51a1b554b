import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

describe.each(DIALECTS)('writeTransaction on %s', (dialect) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore(dialect);
    await createWorkspace(db.store.db, { id: 'w', version: 'v2', now: new Date().toISOString() });
  });
  afterAll(() => db.cleanup());

  const revision = async () => Number((await db.store.db.selectFrom('workspace').select('revision').where('id', '=', 'w').executeTakeFirstOrThrow()).revision);

  it('runs concurrent writes so that a failing one changes nothing and the others all land', async () => {
    const before = await revision();
    const jobs = Array.from({ length: 20 }, (_, i) =>
      db.store.writeTransaction(async (trx) => {
        await trx.updateTable('workspace').set((eb) => ({ revision: eb('revision', '+', 1) })).where('id', '=', 'w').execute();
        if (i === 7) throw new Error('job 7 fails after writing');
        return i;
      }),
    );
    const results = await Promise.allSettled(jobs);
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual(
      Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 7),
    );
    expect((results[7] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    expect(await revision()).toBe(before + 19);
  });

  it('reports a job only after its changes are committed and visible', async () => {
    const value = await db.store.writeTransaction(async (trx) => {
      await trx.updateTable('workspace').set({ name: 'renamed' }).where('id', '=', 'w').execute();
      return 'done';
    });
    expect(value).toBe('done');
    const row = await db.store.db.selectFrom('workspace').select('name').where('id', '=', 'w').executeTakeFirstOrThrow();
    expect(row.name).toBe('renamed');
  });
});
