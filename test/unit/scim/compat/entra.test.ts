import { describe, expect, it } from 'vitest';
import {
  ADSCIM_GROUP_SCHEMA,
  coerceIntegerString,
  coercePatchOpBooleans,
  coercePatchOpIntegers,
  coerceResourceIntegers,
  coerceResourceBooleans,
  coerceStringBoolean,
  expandMemberRemoval,
  lowerCaseOp,
  normalizeEntraPatchOp,
  normalizeManagerOp,
  normalizeManagerValue,
  normalizeOpPathFilter,
  normalizeResourceManager,
  splitQualifiedPathlessOp,
  stripAdscimGroupSchema,
  stripClientMeta,
  stripNullAttributes,
  stripNullRefs,
} from '../../../../src/scim/compat/entra.js';
import { normalizeScimRequest } from '../../../../src/scim/compat/normalize-request.js';
import { ScimError } from '../../../../src/scim/scim-error.js';
import { loadFixtures, resourceTypeOf } from './compat-fixture.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const fixtures = loadFixtures('entra');

describe('Entra fixtures (test/fixture/entra)', () => {
  it('has fixtures to run', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
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
    expect(input).toEqual(before); // pure: the request is not modified

    // Normalising what the core receives changes nothing more.
    const again = normalizeScimRequest({ ...input, body: result.body, query: result.query });
    expect(again).toEqual(result);
  });
});

describe('quirk 1: capitalised ops', () => {
  it('lower-cases Add, Replace, Remove and keeps path and value', () => {
    expect(lowerCaseOp({ op: 'Add', path: 'nickName', value: 'x' })).toEqual({ op: 'add', path: 'nickName', value: 'x' });
    expect(lowerCaseOp({ op: 'REPLACE' }).op).toBe('replace');
    expect(lowerCaseOp({ op: 'Remove', path: 'title' }).op).toBe('remove');
  });

  it('returns the same object when already lower case', () => {
    const op = { op: 'add', path: 'title', value: 'x' };
    expect(lowerCaseOp(op)).toBe(op);
  });
});

describe('quirk 2: string booleans', () => {
  it('coerces "True"/"False" in any case and nothing else', () => {
    expect(coerceStringBoolean('True')).toBe(true);
    expect(coerceStringBoolean('FALSE')).toBe(false);
    expect(coerceStringBoolean('false')).toBe(false);
    expect(coerceStringBoolean('yes')).toBe('yes');
    expect(coerceStringBoolean(1)).toBe(1);
    expect(coerceStringBoolean(true)).toBe(true);
  });

  it('coerces active and primary in a body, not other attributes', () => {
    expect(
      coerceResourceBooleans({
        active: 'False',
        displayName: 'True',
        nickName: 'false',
        emails: [{ value: 'a@x.example', primary: 'True' }, { value: 'b@x.example', Primary: 'false' }],
        addresses: [{ type: 'work', primary: 'TRUE' }],
        x509Certificates: [{ value: 'MIIC', primary: 'True' }],
        'urn:ietf:params:scim:schemas:core:2.0:User:active': 'True',
        'urn:example:params:scim:schemas:extension:custom:1.0:User:active': 'True',
      }),
    ).toEqual({
      active: false,
      displayName: 'True',
      nickName: 'false',
      emails: [{ value: 'a@x.example', primary: true }, { value: 'b@x.example', Primary: false }],
      addresses: [{ type: 'work', primary: true }],
      x509Certificates: [{ value: 'MIIC', primary: true }],
      'urn:ietf:params:scim:schemas:core:2.0:User:active': true,
      'urn:example:params:scim:schemas:extension:custom:1.0:User:active': 'True',
    });
  });

  it('coerces inside a core schema object', () => {
    expect(coerceResourceBooleans({ 'urn:ietf:params:scim:schemas:core:2.0:User': { active: 'false' } })).toEqual({
      'urn:ietf:params:scim:schemas:core:2.0:User': { active: false },
    });
  });

  it('coerces PATCH values by path', () => {
    expect(coercePatchOpBooleans({ op: 'replace', path: 'active', value: 'False' }).value).toBe(false);
    expect(coercePatchOpBooleans({ op: 'replace', path: 'Active', value: 'True' }).value).toBe(true);
    expect(
      coercePatchOpBooleans({ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:active', value: 'False' })
        .value,
    ).toBe(false);
    expect(coercePatchOpBooleans({ op: 'replace', path: 'emails[type eq "work"].primary', value: 'True' }).value).toBe(
      true,
    );
    expect(
      coercePatchOpBooleans({ op: 'replace', path: 'emails[type eq "work"]', value: { primary: 'True', value: 'a@b' } })
        .value,
    ).toEqual({ primary: true, value: 'a@b' });
    expect(coercePatchOpBooleans({ op: 'replace', path: 'displayName', value: 'True' }).value).toBe('True');
    expect(coercePatchOpBooleans({ op: 'replace', path: 'title', value: 'False' }).value).toBe('False');
    expect(coercePatchOpBooleans({ op: 'replace', value: { active: 'False' } }).value).toEqual({ active: false });
  });

  it('turns a "True" in a path filter into the literal for primary', () => {
    expect(normalizeOpPathFilter({ op: 'add', path: 'roles[primary eq "True"].value', value: 'r' }).path).toBe(
      'roles[primary eq true].value',
    );
    expect(normalizeOpPathFilter({ op: 'add', path: 'roles[type eq "True"].value', value: 'r' }).path).toBe(
      'roles[type eq "True"].value',
    );
  });
});

describe('quirk 3: pathless replace with dotted and URN-qualified keys', () => {
  it('splits qualified keys into ops with a path, plain keys stay together first', () => {
    expect(
      splitQualifiedPathlessOp({
        op: 'replace',
        value: {
          'name.givenName': 'A',
          displayName: 'A B',
          [`${ENT}:employeeNumber`]: '7',
          [`${ENT}:manager`]: 'mgr-id',
          title: 'T',
        },
      }),
    ).toEqual([
      { op: 'replace', value: { displayName: 'A B', title: 'T' } },
      { op: 'replace', path: 'name.givenName', value: 'A' },
      { op: 'replace', path: `${ENT}:employeeNumber`, value: '7' },
      { op: 'replace', path: `${ENT}:manager`, value: 'mgr-id' },
    ]);
  });

  it('emits no pathless op when every key is qualified', () => {
    expect(splitQualifiedPathlessOp({ op: 'add', value: { 'name.familyName': 'B' } })).toEqual([
      { op: 'add', path: 'name.familyName', value: 'B' },
    ]);
  });

  it('keeps whole extension objects (known and custom URNs) in the pathless op', () => {
    const op = {
      op: 'replace',
      value: {
        [ENT]: { department: 'Sales' },
        'urn:ietf:params:scim:schemas:activepieces:1.0:CustomUserAttributes': { platformRole: 'ADMIN' },
      },
    };
    expect(splitQualifiedPathlessOp(op)).toEqual([op]);
  });

  it('splits custom URN attributes at the last colon', () => {
    expect(
      splitQualifiedPathlessOp({
        op: 'replace',
        value: {
          'urn:base44:params:scim:schemas:extension:user:2.0:role': 'viewer',
          'urn:ietf:params:scim:schemas:activepieces:1.0:CustomUserAttributes:platformRole': 'MEMBER',
        },
      }),
    ).toEqual([
      { op: 'replace', path: 'urn:base44:params:scim:schemas:extension:user:2.0:role', value: 'viewer' },
      {
        op: 'replace',
        path: 'urn:ietf:params:scim:schemas:activepieces:1.0:CustomUserAttributes:platformRole',
        value: 'MEMBER',
      },
    ]);
  });

  it('splits a URN-qualified attribute even when its value is an object', () => {
    expect(splitQualifiedPathlessOp({ op: 'replace', value: { [`${ENT}:manager`]: { value: 'm1' } } })).toEqual([
      { op: 'replace', path: `${ENT}:manager`, value: { value: 'm1' } },
    ]);
  });

  it('leaves ops with a path, remove ops and non-object values alone', () => {
    const withPath = { op: 'replace', path: 'name', value: { 'x.y': 1 } };
    expect(splitQualifiedPathlessOp(withPath)).toEqual([withPath]);
    const remove = { op: 'remove', value: { 'name.givenName': 'A' } };
    expect(splitQualifiedPathlessOp(remove)).toEqual([remove]);
    const plain = { op: 'replace', value: { active: false } };
    expect(splitQualifiedPathlessOp(plain)).toEqual([plain]);
  });

  it('normalises each split op (manager, booleans)', () => {
    expect(
      normalizeEntraPatchOp({
        op: 'Replace',
        value: { [`${ENT}:manager`]: 'm1', 'urn:ietf:params:scim:schemas:core:2.0:User:active': 'False' },
      }),
    ).toEqual([
      { op: 'replace', path: `${ENT}:manager`, value: { value: 'm1' } },
      { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:active', value: false },
    ]);
  });
});

describe('quirks 3 and 4: member removal with a value list', () => {
  it('expands one remove per member', () => {
    expect(
      expandMemberRemoval({ op: 'remove', path: 'members', value: [{ value: 'u1' }, { Value: 'u2', display: 'x' }] }),
    ).toEqual([
      { op: 'remove', path: 'members[value eq "u1"]' },
      { op: 'remove', path: 'members[value eq "u2"]' },
    ]);
  });

  it('accepts the capitalised op, the Members spelling and a single object value', () => {
    expect(expandMemberRemoval({ op: 'Remove', path: 'Members', value: { value: 'u1' } })).toEqual([
      { op: 'remove', path: 'members[value eq "u1"]' },
    ]);
  });

  it('accepts the URN-qualified core Group path', () => {
    expect(
      expandMemberRemoval({
        op: 'remove',
        path: 'urn:ietf:params:scim:schemas:core:2.0:Group:members',
        value: [{ value: 'u1' }],
      }),
    ).toEqual([{ op: 'remove', path: 'members[value eq "u1"]' }]);
  });

  it('escapes ids inside the generated filter', () => {
    expect(expandMemberRemoval({ op: 'remove', path: 'members', value: [{ value: 'a"b\\c' }] })).toEqual([
      { op: 'remove', path: 'members[value eq "a\\"b\\\\c"]' },
    ]);
  });

  it('an empty list removes nobody', () => {
    expect(expandMemberRemoval({ op: 'remove', path: 'members', value: [] })).toEqual([]);
  });

  it('refuses an element without an id instead of emptying the group', () => {
    const call = () => expandMemberRemoval({ op: 'remove', path: 'members', value: [{ value: 'u1' }, { display: 'x' }] });
    expect(call).toThrow(ScimError);
    try {
      call();
    } catch (error) {
      expect((error as ScimError).status).toBe(400);
      expect((error as ScimError).scimType).toBe('invalidValue');
    }
  });

  it('leaves a remove without value (remove all, RFC 7644 §3.5.2.2), filtered paths and other ops alone', () => {
    const all = { op: 'remove', path: 'members' };
    expect(expandMemberRemoval(all)).toEqual([all]);
    const filtered = { op: 'remove', path: 'members[value eq "u1"]' };
    expect(expandMemberRemoval(filtered)).toEqual([filtered]);
    const add = { op: 'add', path: 'members', value: [{ value: 'u1' }] };
    expect(expandMemberRemoval(add)).toEqual([add]);
    const emails = { op: 'remove', path: 'emails', value: [{ value: 'a@b' }] };
    expect(expandMemberRemoval(emails)).toEqual([emails]);
  });
});

describe('quirk 4: "$ref": null', () => {
  it('drops null $ref at any depth, keeps real ones', () => {
    expect(
      stripNullRefs([
        { $ref: null, value: 'u1' },
        { $ref: 'https://x/Users/u2', value: 'u2' },
      ]),
    ).toEqual([{ value: 'u1' }, { $ref: 'https://x/Users/u2', value: 'u2' }]);
    expect(stripNullRefs({ members: [{ $Ref: null, value: 'u1' }] })).toEqual({ members: [{ value: 'u1' }] });
    expect(stripNullRefs('x')).toBe('x');
  });
});

describe('quirk 8: POST body shape', () => {
  it('removes null attributes at any depth and null array elements', () => {
    expect(
      stripNullAttributes({
        addresses: null,
        name: { givenName: 'A', honorificPrefix: null },
        emails: [null, { value: 'a@b', type: null }],
        roles: [],
        active: false,
      }),
    ).toEqual({ name: { givenName: 'A' }, emails: [{ value: 'a@b' }], roles: [], active: false });
  });

  it('removes client meta in any case', () => {
    expect(stripClientMeta({ Meta: { resourceType: 'User' }, userName: 'a' })).toEqual({ userName: 'a' });
  });

  it('removes the ADSCIM group schema only', () => {
    expect(
      stripAdscimGroupSchema({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', ADSCIM_GROUP_SCHEMA.toUpperCase()],
        displayName: 'G',
      }),
    ).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'G' });
    const plain = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'] };
    expect(stripAdscimGroupSchema(plain)).toBe(plain);
  });
});

describe('quirk 9: manager', () => {
  it('reshapes arrays and bare ids into one complex value', () => {
    expect(normalizeManagerValue([{ $ref: 'https://x/Users/m1', value: 'm1' }])).toEqual({
      $ref: 'https://x/Users/m1',
      value: 'm1',
    });
    expect(normalizeManagerValue([{ $ref: null, value: 'm1' }])).toEqual({ value: 'm1' });
    expect(normalizeManagerValue(['m1'])).toEqual({ value: 'm1' });
    expect(normalizeManagerValue('m1')).toEqual({ value: 'm1' });
    expect(normalizeManagerValue({ value: 'm1' })).toEqual({ value: 'm1' });
  });

  it('leaves ambiguous shapes for the core', () => {
    const two = [{ value: 'm1' }, { value: 'm2' }];
    expect(normalizeManagerValue(two)).toBe(two);
    expect(normalizeManagerValue('')).toBe('');
  });

  it('reshapes manager in bodies: extension object, URN-qualified key, top level; drops an empty array', () => {
    expect(
      normalizeResourceManager({
        [ENT]: { Manager: [{ value: 'm1' }], department: 'D' },
        [`${ENT}:manager`]: 'm2',
        manager: [],
      }),
    ).toEqual({ [ENT]: { Manager: { value: 'm1' }, department: 'D' }, [`${ENT}:manager`]: { value: 'm2' } });
  });

  it('reshapes manager in PATCH by path, leaves manager.value alone', () => {
    expect(normalizeManagerOp({ op: 'add', path: 'manager', value: [{ value: 'm1' }] }).value).toEqual({ value: 'm1' });
    expect(normalizeManagerOp({ op: 'add', path: ENT, value: { manager: 'm1' } }).value).toEqual({
      manager: { value: 'm1' },
    });
    expect(normalizeManagerOp({ op: 'replace', path: 'manager.value', value: 'm1' }).value).toBe('m1');
    expect(normalizeManagerOp({ op: 'remove', path: 'manager' })).toEqual({ op: 'remove', path: 'manager' });
  });
});

describe('integer custom attributes sent as strings (Base44 creditLimit, Type Integer from extensionAttribute1)', () => {
  const B44 = 'urn:base44:params:scim:schemas:extension:user:2.0';

  it('turns an integer string into the number and leaves everything else for the core', () => {
    expect(coerceIntegerString('500')).toBe(500);
    expect(coerceIntegerString('0')).toBe(0);
    expect(coerceIntegerString('-5')).toBe(-5);
    for (const kept of ['lots', '2.5', ' 500', '', '1e3', '99999999999999999999', 500, null]) expect(coerceIntegerString(kept)).toBe(kept);
  });

  it('coerces creditLimit in a custom extension object or under its URN-qualified name, not core or enterprise attributes', () => {
    expect(
      coerceResourceIntegers({
        [B44]: { role: 'editor', CreditLimit: '500' },
        [`${B44}:creditLimit`]: '750',
        [ENT]: { employeeNumber: '40217', creditLimit: '1' },
        creditLimit: '9',
        displayName: '500',
      }),
    ).toEqual({
      [B44]: { role: 'editor', CreditLimit: 500 },
      [`${B44}:creditLimit`]: 750,
      [ENT]: { employeeNumber: '40217', creditLimit: '1' },
      creditLimit: '9',
      displayName: '500',
    });
  });

  it('coerces PATCH values: by path, under the whole extension, pathless; not other attributes or filtered paths', () => {
    expect(coercePatchOpIntegers({ op: 'replace', path: `${B44}:creditLimit`, value: '500' }).value).toBe(500);
    expect(coercePatchOpIntegers({ op: 'add', path: B44, value: { role: 'admin', creditLimit: '10' } }).value).toEqual({ role: 'admin', creditLimit: 10 });
    expect(coercePatchOpIntegers({ op: 'replace', value: { [B44]: { creditLimit: '7' } } }).value).toEqual({ [B44]: { creditLimit: 7 } });
    expect(coercePatchOpIntegers({ op: 'replace', path: `${B44}:role`, value: '5' }).value).toBe('5');
    expect(coercePatchOpIntegers({ op: 'replace', path: `${ENT}:employeeNumber`, value: '40217' }).value).toBe('40217');
    expect(coercePatchOpIntegers({ op: 'replace', path: `${B44}:creditLimit`, value: 'lots' }).value).toBe('lots');
    const remove = { op: 'remove', path: `${B44}:creditLimit` };
    expect(coercePatchOpIntegers(remove)).toBe(remove);
  });

  it('runs in the whole dialect after the pathless split (the aadOptscim062020 form Base44 asks for)', () => {
    expect(normalizeEntraPatchOp({ op: 'Replace', value: { [`${B44}:role`]: 'editor', [`${B44}:creditLimit`]: '750' } })).toEqual([
      { op: 'replace', path: `${B44}:role`, value: 'editor' },
      { op: 'replace', path: `${B44}:creditLimit`, value: 750 },
    ]);
  });
});
