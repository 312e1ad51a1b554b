import SQLite from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import type { Database } from '../../../src/store/database.js';
import { DatabaseBusy } from '../../../src/store/database-busy.js';
import { GroupCommit } from '../../../src/store/dialect/sqlite/group-commit.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

describe.each(DIALECTS)('writeTransaction on %s', (dialect) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore(dialect);
    await createWorkspace(db.store.db, { id: 'w', version: 'v2', now: new Date().toISOString() });
  });
  afterAll(() => db.cleanup());

  const revision = async () => Number((await db.store.db.selectFrom('workspace').select('revision').where('id', '=', 'w').executeTakeFirstOrThrow()).revision);

  it.each([
    ['without a workspace', undefined],
    ['of one workspace', 'w'],
  ])('runs concurrent writes %s so that a failing one changes nothing and the others all land', async (_, key) => {
    const before = await revision();
    const jobs = Array.from({ length: 20 }, (_, i) =>
      db.store.writeTransaction(async (trx) => {
        await trx.updateTable('workspace').set((eb) => ({ revision: eb('revision', '+', 1) })).where('id', '=', 'w').execute();
        if (i === 7) throw new Error('job 7 fails after writing');
        return i;
      }, key),
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

describe('writeTransaction on sqlite while another process holds the write lock', () => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore('sqlite');
    await createWorkspace(db.store.db, { id: 'w', version: 'v2', now: new Date().toISOString() });
  });
  afterAll(() => db.cleanup());

  it('waits for the lock between event-loop turns: reads and timers go on, and the write lands once it is free', async () => {
    const other = new SQLite(db.url.slice('sqlite:'.length));
    other.exec('begin immediate');
    let written = false;
    const write = db.store
      .writeTransaction(async (trx) => {
        await trx.updateTable('workspace').set({ name: 'after the lock' }).where('id', '=', 'w').execute();
      })
      .then(() => (written = true));
    await sleep(50);
    expect(written).toBe(false);
    // The event loop is free (this test runs), and so is the connection: a read answers while the write waits.
    const read = await db.store.db.selectFrom('workspace').select('name').where('id', '=', 'w').executeTakeFirstOrThrow();
    expect(read.name).not.toBe('after the lock');
    other.exec('commit');
    other.close();
    await write;
    const row = await db.store.db.selectFrom('workspace').select('name').where('id', '=', 'w').executeTakeFirstOrThrow();
    expect(row.name).toBe('after the lock');
  });

  it('fails the waiting writes with DatabaseBusy and a clear message when the lock is not released in time', async () => {
    const neverFree = new GroupCommit(db.store.db, () => false, { lockTimeoutMs: 100 });
    let ran = false;
    const job = neverFree.run(async () => {
      ran = true;
    });
    await expect(job).rejects.toBeInstanceOf(DatabaseBusy);
    await expect(job).rejects.toMatchObject({ code: 'ROSTERD_E_DATABASE', message: expect.stringMatching(/^the database stayed locked by another process for 100 ms, so nothing was written/) });
    expect(ran).toBe(false);
  });
});

describe('writeTransaction on postgres with a workspace', () => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore('postgres');
    for (const id of ['a', 'b']) await createWorkspace(db.store.db, { id, version: 'v2', now: new Date().toISOString() });
  });
  afterAll(() => db.cleanup());

  const transactionId = async (trx: Kysely<Database>) => String((await sql<{ id: string }>`select txid_current()::text as id`.execute(trx)).rows[0]!.id);

  it('lets the writes that queue behind one of the same workspace share the next transaction', async () => {
    const jobs = Array.from({ length: 20 }, () =>
      db.store.writeTransaction(async (trx) => {
        await trx.updateTable('workspace').set((eb) => ({ revision: eb('revision', '+', 1) })).where('id', '=', 'a').execute();
        return transactionId(trx);
      }, 'a'),
    );
    const ids = await Promise.all(jobs);
    // The first runs alone; the 19 that queued meanwhile commit together.
    expect(new Set(ids).size).toBe(2);
    expect(ids.slice(1).every((id) => id === ids[1])).toBe(true);
  });

  it('runs writes of other workspaces beside a slow one, each in its own transaction', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let slowDone = false;
    const slow = db.store
      .writeTransaction(async (trx) => {
        await trx.updateTable('workspace').set((eb) => ({ revision: eb('revision', '+', 1) })).where('id', '=', 'a').execute();
        await held;
        return transactionId(trx);
      }, 'a')
      .then((id) => ((slowDone = true), id));
    const other = await db.store.writeTransaction(async (trx) => {
      await trx.updateTable('workspace').set((eb) => ({ revision: eb('revision', '+', 1) })).where('id', '=', 'b').execute();
      return transactionId(trx);
    }, 'b');
    expect(slowDone).toBe(false);
    release();
    expect(await slow).not.toBe(other);
  });

  it('rejects every write of a batch whose connection is lost, and none of them lands', async () => {
    const revisionOfA = async () => Number((await db.store.db.selectFrom('workspace').select('revision').where('id', '=', 'a').executeTakeFirstOrThrow()).revision);
    const bump = (trx: Kysely<Database>) => trx.updateTable('workspace').set((eb) => ({ revision: eb('revision', '+', 1) })).where('id', '=', 'a').execute();
    const before = await revisionOfA();
    const first = db.store.writeTransaction(bump, 'a');
    const batch = Array.from({ length: 5 }, (_, i) =>
      db.store.writeTransaction(async (trx) => {
        await bump(trx);
        if (i === 2) await sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx);
        return i;
      }, 'a'),
    );
    await first;
    const results = await Promise.allSettled(batch);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(await revisionOfA()).toBe(before + 1);
  });
});
