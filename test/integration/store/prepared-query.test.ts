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

  it('gives the same rows as the query run through Kysely, every column and type', async () => {
    const whole = preparedQuery((k, id: string) => k.selectFrom('workspace').selectAll().where('id', '=', id), ['']);
    const viaKysely = await db.store.db.selectFrom('workspace').selectAll().where('id', '=', 'a').execute();
    expect(viaKysely).toHaveLength(1);
    expect(await whole(db.store.db, 'a')).toEqual(viaKysely);
    expect(Object.keys((await whole(db.store.db, 'a'))[0]!)).toEqual(Object.keys(viaKysely[0]!));
  });

  it('never reads what a write transaction has not committed (SQLite shares one connection with it)', async () => {
    const outside = await db.store
      .writeTransaction(async (trx) => {
        await trx.updateTable('workspace').set({ name: 'uncommitted' }).where('id', '=', 'a').execute();
        const read = byId(db.store.db, 'a');
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw Object.assign(new Error('roll back'), { read });
      })
      .catch((error: { read: Promise<unknown> }) => error.read);
    expect(outside).toEqual([{ id: 'a', name: 'name-a' }]);
  });

  // Streaming is a SQLite feature of the store (PostgreSQL runs without a cursor library).
  it.runIf(dialect === 'sqlite')('waits for a streamed query that holds the connection instead of failing', async () => {
    const stream = db.store.db.selectFrom('workspace').select('id').orderBy('id').stream(1);
    const ids: string[] = [];
    let read: Promise<unknown> | undefined;
    for await (const row of stream) {
      ids.push(row.id);
      read ??= byId(db.store.db, 'b');
    }
    expect(ids).toEqual(['a', 'b']);
    expect(await read).toEqual([{ id: 'b', name: 'name-b' }]);
  });

  it('refuses to run with the wrong number of parameters', async () => {
    const bad = preparedQuery((k, id: string) => k.selectFrom('workspace').select('id').where('id', '=', id).where('name', '=', id), ['']);
    await expect(bad(db.store.db, 'a')).rejects.toThrow(/expects 2 parameters/);
  });
});
