import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from '../../../src/store/create-db.js';
import type { Store } from '../../../src/store/store.js';

/** Wait until `condition` holds, checking every 20 ms, for at most `ms`. */
async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe('SQLite checkpoints from a thread of their own', () => {
  let dir: string;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('copy the WAL into the database file while the writer never checkpoints it in a commit', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'rosterd-checkpoint-'));
    const file = path.join(dir, 'rosterd.db');
    store = await createDb(`sqlite:${file}`, { backgroundCheckpoints: true });
    await sql`create table filler (id integer primary key, text text not null)`.execute(store.db);
    const before = statSync(file).size;
    // About 8 MiB of rows: past the checkpointer's threshold, far below the writer's own.
    const row = 'x'.repeat(1_000);
    await store.writeTransaction(async (trx) => {
      for (let i = 0; i < 8_000; i += 500) {
        await trx.insertInto('filler' as never).values(Array.from({ length: 500 }, (_, k) => ({ id: i + k, text: row })) as never).execute();
      }
    });
    expect(statSync(file).size, 'the commit itself copied nothing into the database file').toBe(before);
    // A generous cap: on a busy machine the checkpointer's thread gets its turn late.
    expect(await until(() => statSync(file).size > before + 4 * 1024 * 1024, 25_000)).toBe(true);
  });
});
