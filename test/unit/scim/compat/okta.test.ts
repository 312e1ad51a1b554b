import { describe, expect, it } from 'vitest';
import { normalizeScimRequest } from '../../../../src/scim/compat/normalize-request.js';
import {
  dropIdFromPathlessValue,
  dropNullMembers,
  dropPasswordOp,
  normalizeOktaPatchOp,
  normalizeOktaResource,
  stripPassword,
  stripServerAssigned,
} from '../../../../src/scim/compat/okta.js';
import { keysDeep, loadFixtures, resourceTypeOf } from './compat-fixture.js';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const fixtures = loadFixtures('okta');

describe('Okta fixtures (test/fixture/okta)', () => {
  it('has fixtures to run', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
  });

  it.each(fixtures.map((f) => [f.file, f] as const))('%s', (_file, fixture) => {
    const input = {
      method: fixture.method,
      resourceType: resourceTypeOf(fixture.path),
      body: fixture.body ?? undefined,
      query: fixture.query ?? {},
    };
    const before = structuredClone(input);
    const result = normalizeScimRequest(input);
    expect(result.body ?? null).toEqual(fixture.normalized);
    expect(result.query).toEqual(fixture.normalizedQuery ?? {});
    expect(input).toEqual(before);
    expect(keysDeep(result.body, (key) => /password/i.test(key))).toEqual([]);

    const again = normalizeScimRequest({ ...input, body: result.body, query: result.query });
    expect(again).toEqual(result);
  });
});

describe('quirks 2 and 4: password, groups, id, meta', () => {
  it('strips the password: plain, any case, URN-qualified, inside the core schema object', () => {
    expect(
      stripPassword({
        userName: 'a',
        Password: 'p1',
        [`${CORE_USER}:password`]: 'p2',
        [CORE_USER]: { password: 'p3', nickName: 'n' },
      }),
    ).toEqual({ userName: 'a', [CORE_USER]: { nickName: 'n' } });
  });

  it('strips id, meta and groups but not externalId', () => {
    expect(
      stripServerAssigned({ id: 'x', ID: 'y', meta: {}, Groups: [], externalId: '00u1', userName: 'a' }),
    ).toEqual({ externalId: '00u1', userName: 'a' });
  });

  it('the whole resource normalisation removes all of them', () => {
    expect(
      normalizeOktaResource({ id: 'x', meta: { resourceType: 'User' }, groups: [], password: 'p', userName: 'a' }),
    ).toEqual({ userName: 'a' });
  });
});

describe('quirk 4: PATCH password sync', () => {
  it('drops an op on path password, plain or URN-qualified', () => {
    expect(dropPasswordOp({ op: 'replace', path: 'password', value: 'p' })).toBeNull();
    expect(dropPasswordOp({ op: 'replace', path: `${CORE_USER}:password`, value: 'p' })).toBeNull();
    expect(dropPasswordOp({ op: 'replace', path: 'Password', value: 'p' })).toBeNull();
  });

  it('removes the password from a pathless value and keeps the rest', () => {
    expect(dropPasswordOp({ op: 'replace', value: { active: true, password: 'p' } })).toEqual({
      op: 'replace',
      value: { active: true },
    });
    expect(dropPasswordOp({ op: 'replace', value: { password: 'p' } })).toBeNull();
  });

  it('removes the password from a core-schema-URN path value', () => {
    expect(dropPasswordOp({ op: 'replace', path: CORE_USER, value: { password: 'p', title: 't' } })).toEqual({
      op: 'replace',
      path: CORE_USER,
      value: { title: 't' },
    });
  });

  it('leaves other ops alone', () => {
    const op = { op: 'replace', path: 'title', value: 'password' };
    expect(dropPasswordOp(op)).toBe(op);
  });
});

describe('quirk 5: pathless deactivate', () => {
  it('is left as is, only lower-casing the op', () => {
    expect(normalizeOktaPatchOp({ op: 'Replace', value: { active: false } })).toEqual([
      { op: 'replace', value: { active: false } },
    ]);
  });
});

describe('quirk 6: groups', () => {
  it('drops the read-only id from a pathless rename', () => {
    expect(dropIdFromPathlessValue({ op: 'replace', value: { id: 'g1', displayName: 'New' } })).toEqual({
      op: 'replace',
      value: { displayName: 'New' },
    });
  });

  it('drops the op when the id was all there was', () => {
    expect(dropIdFromPathlessValue({ op: 'replace', value: { Id: 'g1' } })).toBeNull();
    expect(normalizeOktaPatchOp({ op: 'replace', value: { id: 'g1' } })).toEqual([]);
  });

  it('leaves ops with a path alone (a member value is not an id)', () => {
    const op = { op: 'add', path: 'members', value: [{ value: 'u1' }] };
    expect(dropIdFromPathlessValue(op)).toBe(op);
  });

  it('turns members: null into absent and keeps members: []', () => {
    expect(dropNullMembers({ displayName: 'G', members: null })).toEqual({ displayName: 'G' });
    expect(dropNullMembers({ displayName: 'G', members: [] })).toEqual({ displayName: 'G', members: [] });
  });
});
