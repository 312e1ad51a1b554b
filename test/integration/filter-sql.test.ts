import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFilter, compileSortBy } from '../../src/scim/filter/compile-filter.js';
import type { FilterCatalog } from '../../src/scim/filter/filter-catalog.js';
import { groupFilterCatalog } from '../../src/scim/filter/group-filter-catalog.js';
import { parseFilter } from '../../src/scim/filter/parse-filter.js';
import { userFilterCatalog } from '../../src/scim/filter/user-filter-catalog.js';
import { ScimError } from '../../src/scim/scim-error.js';
import { DEFAULT_EXTENSION_URN } from '../../src/scim/schema/workspace-extension-schema.js';
import { createDb } from '../../src/store/create-db.js';
import type { Store } from '../../src/store/store.js';
import type { NewMembershipRow } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

// The same filters, the same rows, the same expected ids on both databases: the compiler must not
// lean on either dialect's quirks (SQLite's case-insensitive LIKE, PostgreSQL's typed JSON).
const POSTGRES_URL = process.env.ROSTERD_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const WS = 'ws-1';
const OTHER_WS = 'ws-2';

const FILLERS = Array.from({ length: 15 }, (_, i) => `m${String(i + 6).padStart(2, '0')}`);
const ALL = ['m01', 'm02', 'm03', 'm04', 'm05', ...FILLERS];
const except = (...ids: string[]) => ALL.filter((id) => !ids.includes(id));

const json = (value: unknown) => JSON.stringify(value);

function member(id: string, fields: Partial<NewMembershipRow>): NewMembershipRow {
  const userName = fields.user_name ?? `${id}@example.net`;
  return {
    id,
    workspace_id: WS,
    account_id: `acc-${id}`,
    user_name: userName,
    user_name_lower: userName.toLowerCase(),
    active: 1,
    owner: 0,
    last_source: 'scim',
    version: 1,
    created_at: '2026-10-01T09:00:00.000Z',
    updated_at: '2026-10-01T10:00:00.000Z',
    ...fields,
  };
}

const MEMBERS: NewMembershipRow[] = [
  member('m01', {
    user_name: 'Alice@Example.com',
    external_id: 'ext-A',
    display_name: 'Alice Anders',
    given_name: 'Alice',
    family_name: 'Anders',
    title: 'CEO',
    emails: json([
      { value: 'alice@example.com', type: 'work', primary: true },
      { value: 'alice@home.org', type: 'home', primary: false },
    ]),
    department: 'Sales',
    employee_number: '1001',
    role: 'admin',
    credit_limit: 100,
    seat_type: 'full',
    updated_at: '2026-11-01T10:00:00.000Z',
  }),
  member('m02', {
    user_name: 'bob@example.com',
    external_id: 'EXT-A',
    family_name: 'Brown',
    emails: json([{ value: 'bob@example.com', type: 'work' }]),
    roles: json([{ value: 'editor', primary: true }]),
    active: 0,
    department: 'Engineering',
    manager_id: 'm01',
    role: 'member',
    credit_limit: 50,
    updated_at: '2026-11-02T10:00:00.000Z',
  }),
  member('m03', {
    user_name: 'carol_1@example.com',
    external_id: '12345',
    family_name: 'Carter',
    title: '100% Sales',
    emails: json([{ value: 'carol_1@example.com', type: 'work', primary: true }]),
    credit_limit: 200,
    updated_at: '2026-11-03T10:00:00.000Z',
  }),
  member('m04', { user_name: 'carolx1@example.com', family_name: 'Cox', title: '100 Sales', updated_at: '2026-11-04T10:00:00.000Z' }),
  member('m05', {
    user_name: 'dave@example.ORG',
    family_name: 'Davis',
    title: '',
    emails: json([{ value: 'dave@EXAMPLE.org', type: 'home', primary: true }]),
    addresses: json([{ streetAddress: '1 Main St', locality: 'Springfield', country: 'US', type: 'work' }]),
    updated_at: '2026-11-05T10:00:00.000Z',
  }),
  ...FILLERS.map((id) => member(id, { family_name: `Filler ${id}` })),
];

type Case = [filter: string, expected: string[]];

const USER_CASES: Case[] = [
  ['userName eq "ALICE@example.COM"', ['m01']],
  ['USERNAME Eq "alice@example.com"', ['m01']],
  ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "BOB@example.com"', ['m02']],
  ['id eq "m04"', ['m04']],
  ['externalId eq "ext-A"', ['m01']],
  ['externalId eq "EXT-A"', ['m02']],
  ['externalId eq "ext-a"', []],
  ['externalId eq 12345', ['m03']],
  ['externalId sw "EXT"', ['m02']],
  ['userName co "_1@"', ['m03']],
  ['userName sw "CAROL"', ['m03', 'm04']],
  ['userName ew ".ORG"', ['m05']],
  ['title co "100%"', ['m03']],
  ['title sw "100"', ['m03', 'm04']],
  ['displayName co "ANDERS"', ['m01']],
  ['name.familyName eq "anders"', ['m01']],
  ['meta.lastModified gt "2026-11-02T10:00:00Z"', ['m03', 'm04', 'm05']],
  ['meta.lastModified ge "2026-11-02T11:00:00+01:00"', ['m02', 'm03', 'm04', 'm05']],
  ['meta.lastModified lt "2026-11-02"', ['m01', ...FILLERS]],
  ['meta.lastModified le "2026-11-01T10:00:00.000Z"', ['m01', ...FILLERS]],
  [`${DEFAULT_EXTENSION_URN}:creditLimit gt 50`, ['m01', 'm03']],
  ['creditLimit le 50', ['m02']],
  ['creditLimit ge "100"', ['m01', 'm03']],
  ['title pr', ['m01', 'm03', 'm04']],
  ['not (title pr)', except('m01', 'm03', 'm04')],
  ['title ne "CEO"', except('m01')],
  ['title eq null', except('m01', 'm03', 'm04', 'm05')],
  ['active eq false', ['m02']],
  ['active eq "True"', except('m02')],
  ['not (active eq true) or creditLimit gt 150', ['m02', 'm03']],
  ['userName sw "alice" or userName sw "bob" and active eq false', ['m01', 'm02']],
  ['(userName sw "alice" or userName sw "bob") and active eq true', ['m01']],
  ['not (userName sw "alice" or userName sw "bob") and creditLimit pr', ['m03']],
  ['emails eq "BOB@example.com"', ['m02']],
  ['emails.value co "@example.com"', ['m01', 'm02', 'm03']],
  ['emails ne "bob@example.com"', except('m02')],
  ['emails pr', ['m01', 'm02', 'm03', 'm05']],
  ['not (emails pr)', except('m01', 'm02', 'm03', 'm05')],
  ['emails[type eq "work" and value co "alice"]', ['m01']],
  ['emails[type eq "home" and value co "bob"]', []],
  ['emails[type eq "work"].value eq "carol_1@example.com"', ['m03']],
  ['emails[primary eq true]', ['m01', 'm03', 'm05']],
  ['emails.primary eq true', ['m01', 'm03', 'm05']],
  ['emails[primary eq false]', ['m01']],
  ['emails[not (primary eq true)]', ['m01', 'm02']],
  ['emails[type eq "work"] and not (emails[primary eq true])', ['m02']],
  ['addresses[country eq "us" and locality sw "spring"]', ['m05']],
  ['roles[value eq "Editor" and primary eq true]', ['m02']],
  [`${ENTERPRISE}:department eq "sales"`, ['m01']],
  [`${ENTERPRISE}:manager.value eq "m01"`, ['m02']],
  ['employeeNumber eq "1001"', ['m01']],
  [`${DEFAULT_EXTENSION_URN}:role eq "ADMIN"`, ['m01']],
  ['seatType eq "full"', ['m01']],
];

const GROUP_CASES: Case[] = [
  ['displayName eq "ENGINEERING"', ['g1']],
  ['displayName co "team"', ['g2']],
  ['externalId eq "grp-1"', ['g1']],
  ['members eq "m02"', ['g1']],
  ['members.value eq "m01"', ['g2']],
  ['members[value eq "m03"]', ['g1']],
  ['members pr', ['g1', 'g2']],
  ['not (members pr)', ['g3']],
  ['displayName sw "e" and members pr', ['g1']],
  ['members ne "m01"', ['g1', 'g3']],
];

const ERROR_CASES: [filter: string, catalog: 'user' | 'group', detail: string][] = [
  ['shoeSize eq 1', 'user', 'filter: unknown attribute or one that cannot be filtered: shoeSize'],
  ['members.display eq "x"', 'group', 'members.display'],
  ['members[display eq "x"]', 'group', 'members.display'],
  ['emails[shoe eq "x"]', 'user', 'emails.shoe'],
  ['active gt true', 'user', '"gt" cannot compare active, which is a boolean'],
  ['emails.primary lt true', 'user', 'emails.primary'],
  ['meta.lastModified gt "yesterday"', 'user', 'meta.lastModified is a dateTime; "yesterday" is not an ISO-8601 date-time'],
  ['creditLimit co "1"', 'user', '"co" needs a string attribute; creditLimit is an integer'],
  ['creditLimit eq 1.5', 'user', 'creditLimit is an integer and cannot be compared with 1.5'],
  ['active eq "maybe"', 'user', 'active is a boolean'],
  ['title eq true', 'user', 'title is a string'],
  ['name[givenName eq "x"]', 'user', 'name'],
  ['userName[value eq "x"]', 'user', 'userName is single-valued'],
];

interface Fixture {
  store: Store;
  sqliteFile?: string;
  cleanup(): Promise<void>;
}

async function openSqlite(): Promise<Fixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-filter-'));
  const file = path.join(dir, 'filter.db');
  const store = await createDb(`sqlite:${file}`);
  return {
    store,
    sqliteFile: file,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(): Promise<Fixture> {
  const schema = `filter_${randomBytes(6).toString('hex')}`;
  const store = await createDb(POSTGRES_URL, { schema, poolSize: 2 });
  return {
    store,
    cleanup: async () => {
      await sql`drop schema if exists ${sql.raw(schema)} cascade`.execute(store.db);
      await store.close();
    },
  };
}

async function seed(store: Store): Promise<void> {
  const db = store.db;
  const now = '2026-10-01T00:00:00.000Z';
  for (const id of [WS, OTHER_WS]) {
    await db.insertInto('workspace').values({ id, name: id, version: 'v2', extension_urn: DEFAULT_EXTENSION_URN, policy: '{}', revision: 0, created_at: now, updated_at: now }).execute();
  }
  await db.insertInto('account').values([...MEMBERS, { id: 'x01' }].map((m) => ({ id: `acc-${m.id}`, email: `${m.id}@accounts.example`, created_at: now }))).execute();
  await db.insertInto('membership').values(MEMBERS).execute();
  // The same userName in another workspace: every query is scoped, so it must never show up.
  await db.insertInto('membership').values({ ...member('x01', { user_name: 'Alice@Example.com', external_id: 'ext-A', active: 0 }), workspace_id: OTHER_WS }).execute();
  const group = (id: string, displayName: string, externalId: string | null) => ({
    id,
    workspace_id: WS,
    external_id: externalId,
    display_name: displayName,
    display_name_lower: displayName.toLowerCase(),
    app_name: displayName,
    last_source: 'scim',
    version: 1,
    created_at: now,
    updated_at: now,
  });
  await db.insertInto('scim_group').values([group('g1', 'Engineering', 'grp-1'), group('g2', 'Sales Team', null), group('g3', 'Empty', null)]).execute();
  const link = (groupId: string, membershipId: string) => ({ group_id: groupId, membership_id: membershipId, workspace_id: WS, project_role: null, created_at: now });
  await db.insertInto('group_member').values([link('g1', 'm02'), link('g1', 'm03'), link('g2', 'm01')]).execute();
}

const users = userFilterCatalog({ extensionUrn: DEFAULT_EXTENSION_URN, roleAttribute: 'role' });
const groups = groupFilterCatalog();

function userQuery(store: Store, filter: string, catalog: FilterCatalog = users) {
  return store.db
    .selectFrom('membership')
    .select('membership.id')
    .where('membership.workspace_id', '=', WS)
    .where(compileFilter(parseFilter(filter), catalog, store.dialect))
    .orderBy('membership.id');
}

describe.each([
  ['sqlite', openSqlite],
  ['postgres', openPostgres],
] as const)('filters compiled to SQL on %s', (_dialect, open) => {
  let fixture: Fixture;

  beforeAll(async () => {
    fixture = await open();
    await migrateToLatest(fixture.store);
    await seed(fixture.store);
  });

  afterAll(async () => {
    await fixture?.cleanup();
  });

  it.each(USER_CASES)('Users: %s', async (filter, expected) => {
    const rows = await userQuery(fixture.store, filter).execute();
    expect(rows.map((r) => r.id)).toEqual(expected);
  });

  it.each(GROUP_CASES)('Groups: %s', async (filter, expected) => {
    const rows = await fixture.store.db
      .selectFrom('scim_group')
      .selectAll()
      .where('scim_group.workspace_id', '=', WS)
      .where(compileFilter(parseFilter(filter), groups, fixture.store.dialect))
      .orderBy('scim_group.id')
      .execute();
    expect(rows.map((r) => r.id)).toEqual(expected);
  });

  it.each(ERROR_CASES)('refuses %s', (filter, catalog, detail) => {
    try {
      compileFilter(parseFilter(filter), catalog === 'user' ? users : groups, fixture.store.dialect);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ScimError);
      expect((error as ScimError).scimType).toBe('invalidFilter');
      expect((error as ScimError).detail).toContain(detail);
    }
  });

  it('sorts by the lower-case copy of a case-insensitive attribute', async () => {
    expect(compileSortBy('USERNAME', users)).toBe('membership.user_name_lower');
    const rows = await fixture.store.db
      .selectFrom('membership')
      .select('id')
      .where('workspace_id', '=', WS)
      .where('id', 'in', ['m01', 'm02', 'm05'])
      .orderBy(sql.ref(compileSortBy('userName', users)), 'desc')
      .execute();
    expect(rows.map((r) => r.id)).toEqual(['m05', 'm02', 'm01']);
  });

  it('sorts by extension and meta attributes, and refuses multi-valued and unknown ones', () => {
    expect(compileSortBy(`${DEFAULT_EXTENSION_URN}:creditLimit`, users)).toBe('membership.credit_limit');
    expect(compileSortBy('meta.lastModified', users)).toBe('membership.updated_at');
    expect(compileSortBy('displayName', groups)).toBe('scim_group.display_name_lower');
    for (const bad of ['emails', 'members', 'shoeSize', 'emails[type eq "work"]']) {
      expect(() => compileSortBy(bad, bad === 'members' ? groups : users)).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
    }
  });
});

describe('SQLite query plans', () => {
  let fixture: Fixture;
  let raw: SQLite.Database;

  beforeAll(async () => {
    fixture = await openSqlite();
    await migrateToLatest(fixture.store);
    await seed(fixture.store);
    raw = new SQLite(fixture.sqliteFile!, { readonly: true });
  });

  afterAll(async () => {
    raw?.close();
    await fixture?.cleanup();
  });

  const plan = (filter: string) => {
    const compiled = userQuery(fixture.store, filter).compile();
    const rows = raw.prepare(`explain query plan ${compiled.sql}`).all(...(compiled.parameters as unknown[])) as { detail: string }[];
    return rows.map((r) => r.detail).join('\n');
  };

  it('answers userName eq from the unique index on the lower-case copy', () => {
    expect(plan('userName eq "Alice@Example.com"')).toMatch(/USING INDEX membership_user_name_uq/);
  });

  it('answers externalId eq from its unique index', () => {
    expect(plan('externalId eq "ext-A"')).toMatch(/USING INDEX membership_external_id_uq/);
  });
});
