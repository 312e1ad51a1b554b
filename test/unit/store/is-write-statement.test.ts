import { CompiledQuery, DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../../src/store/database.js';
import { isWriteStatement } from '../../../src/store/dialect/sqlite/queued-write-dialect.js';

const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new SqliteIntrospector(k),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

describe('isWriteStatement', () => {
  it('knows built statements by their kind', () => {
    expect(isWriteStatement(db.selectFrom('workspace').selectAll().compile())).toBe(false);
    expect(isWriteStatement(db.insertInto('lease').values({ name: 'a', holder: 'h', expires_at: 1 } as never).compile())).toBe(true);
    expect(isWriteStatement(db.updateTable('api_key').set({ last_used_at: 'now' }).compile())).toBe(true);
    expect(isWriteStatement(db.deleteFrom('event').compile())).toBe(true);
    expect(isWriteStatement(db.schema.createIndex('i').on('event').column('seq').compile())).toBe(true);
  });

  it.each([
    ['select 1', false],
    ['  SELECT count(*) from membership', false],
    ['pragma busy_timeout = 0', false],
    ['explain query plan select 1', false],
    ['with t as (select 1) select * from t', false],
    ['with t as (select 1) delete from event where seq in (select * from t)', true],
    ['update workspace set name = name', true],
    ['delete from workspace', true],
    ['insert into lease values (1)', true],
    ['create table x (a)', true],
  ])('reads raw SQL: %s → %s', (text, writes) => {
    expect(isWriteStatement(CompiledQuery.raw(text))).toBe(writes);
  });
});
