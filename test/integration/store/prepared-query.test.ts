import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { preparedQuery } from '../../../src/store/prepared-query.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

describe.each(DIALECTS)('preparedQuery on %s', (dialect) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore(dialect);
    const now = new Date().toISOString();
    for (const id of ['a', 'b']) await createWorkspace(db.store.db, { id, name: `name-${id}`, version: 'v2', now });
  });
  afterAll(() => db.cleanup());

  const byId = preparedQuery((k, id: string) => k.selectFrom('workspace').select(['id', 'name']).where('id', '=', id), ['']);

  it('compiles once and runs with each call’s parameters, inside and outside a transaction', async () => {
    expect(await byId(db.store.db, 'a')).toEqual([{ id: 'a', name: 'name-a' }]);
    expect(await byId(db.store.db, 'b')).toEqual([{ id: 'b', name: 'name-b' }]);
    expect(await byId(db.store.db, 'zz')).toEqual([]);
    const inside = await db.store.writeTransaction((trx) => byId(trx, 'b'));
    expect(inside).toEqual([{ id: 'b', name: 'name-b' }]);
  });

  it('refuses to run with the wrong number of parameters', async () => {
    const bad = preparedQuery((k, id: string) => k.selectFrom('workspace').select('id').where('id', '=', id).where('name', '=', id), ['']);
    await expect(bad(db.store.db, 'a')).rejects.toThrow(/expects 2 parameters/);
  });
});
