import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

describe.each(DIALECTS)('migrateToLatest on %s', (dialect) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('has nothing to do on a current database', async () => {
    opened = await openTestStore(dialect);
    expect(await migrateToLatest(opened.store)).toEqual([]);
  });

  it('refuses a database that a newer rosterd migrated, naming the migration this one lacks', async () => {
    opened = await openTestStore(dialect);
    const table = opened.schema ? `${opened.schema}.kysely_migration` : 'kysely_migration';
    await sql`insert into ${sql.table(table)} (name, timestamp) values ('29991231000000_future', '2999-12-31T00:00:00.000Z')`.execute(opened.store.db);
    await expect(migrateToLatest(opened.store)).rejects.toMatchObject({
      code: 'ROSTERD_E_DATABASE',
      message: expect.stringMatching(/previously executed migration 29991231000000_future is missing/),
    });
  });
});
