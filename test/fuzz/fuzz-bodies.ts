import fc from 'fast-check';
import { DEFAULT_SCIM_BUDGETS as B } from '../../src/scim/scim-budgets.js';
import { jsonValue, nestedJson, NESTINGS } from './fuzz-json.js';
import { fuzzString, SECRET_MARKER } from './fuzz-strings.js';

export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const WORKSPACE_URN = 'urn:rosterd:params:scim:schemas:extension:workspace:2.0:User';

/** Attributes of a User, each given a value of any type (the right one now and then). */
const USER_ATTRIBUTES = [
  'userName', 'externalId', 'displayName', 'nickName', 'title', 'userType', 'locale', 'timezone', 'preferredLanguage', 'profileUrl', 'active',
  'name', 'emails', 'phoneNumbers', 'addresses', 'roles', 'groups', 'photos', 'ims', 'entitlements', 'x509Certificates', 'meta', 'id', 'schemas',
  ENTERPRISE_URN, WORKSPACE_URN, 'role', 'creditLimit', 'seatType', 'unknownAttribute', 'USERNAME', 'name.givenName',
] as const;

/** `count` entries of a multi-valued attribute (around the multiValuedEntries budget). */
const manyEntries = (count: number) => Array.from({ length: count }, (_, i) => ({ value: `v${i}@example.com`, type: 'work' }));

/** String attributes of a valid User, for bodies that are right but for one odd string. */
const USER_STRINGS = ['userName', 'externalId', 'displayName', 'nickName', 'title', 'locale', 'timezone', 'profileUrl'] as const;

/** A valid User but for one odd string: awkward characters, or lengths at and past the budgets. */
export const userWithOddString = (): fc.Arbitrary<unknown> =>
  fc.tuple(fc.constantFrom(...USER_STRINGS, 'name.givenName', 'emails.value', 'enterprise.department'), fuzzString(), fc.nat(1_000_000)).map(([attribute, value, n]) => {
    const body: Record<string, unknown> = { schemas: [USER_URN], userName: `odd${n}@example.com`, active: true };
    if (attribute === 'name.givenName') body.name = { givenName: value, familyName: 'Odd' };
    else if (attribute === 'emails.value') body.emails = [{ value, type: 'work', primary: true }];
    else if (attribute === 'enterprise.department') body[ENTERPRISE_URN] = { department: value };
    else body[attribute] = value;
    return body;
  });

/** A User body: a plausible base with some attributes replaced by odd values, sometimes deep or with many entries. */
export const userBody = (): fc.Arbitrary<unknown> =>
  fc
    .record({
      base: fc.boolean(),
      fields: fc.dictionary(fc.constantFrom(...USER_ATTRIBUTES), jsonValue(), { maxKeys: 4 }),
      password: fc.boolean(),
      extra: fc.oneof(
        { weight: 8, arbitrary: fc.constant({}) },
        { weight: 1, arbitrary: fc.constantFrom(B.multiValuedEntries, B.multiValuedEntries + 1, 1_000).chain((n) => fc.constantFrom('emails', 'phoneNumbers', 'addresses', 'roles').map((k) => ({ [k]: manyEntries(n) }))) },
        { weight: 1, arbitrary: fc.record({ name: fc.record({ givenName: fuzzString(), familyName: fuzzString(), formatted: fuzzString() }, { requiredKeys: [] }) }) },
      ),
    })
    .map(({ base, fields, password, extra }) => ({
      ...(base ? { schemas: [USER_URN], userName: `fuzz-${Math.abs(JSON.stringify(fields).length)}@example.com`, active: true } : {}),
      ...(password ? { password: SECRET_MARKER } : {}),
      ...extra,
      ...fields,
    }));

/** `count` members of a group: existing ids, made-up ids and odd values. */
const members = (ids: readonly string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.array(fc.oneof(fc.record({ value: fc.constantFrom(...ids) }), fc.record({ value: jsonValue() }), jsonValue()), { maxLength: 5 }) },
    { weight: 1, arbitrary: fc.constantFrom(B.groupMembers, B.groupMembers + 1).map((n) => Array.from({ length: n }, (_, i) => ({ value: ids[i % ids.length] ?? `m${i}` }))) },
  );

/** A valid Group but for an odd displayName or externalId. */
export const groupWithOddString = (): fc.Arbitrary<unknown> =>
  fc.tuple(fc.constantFrom('displayName', 'externalId'), fuzzString(), fc.nat(1_000_000)).map(([attribute, value, n]) => ({ schemas: [GROUP_URN], displayName: `odd ${n}`, [attribute]: value }));

/** A Group body with odd displayNames, externalIds and members. */
export const groupBody = (ids: readonly string[]): fc.Arbitrary<unknown> =>
  fc
    .record({
      base: fc.boolean(),
      displayName: fc.option(jsonValue(), { nil: undefined }),
      externalId: fc.option(jsonValue(), { nil: undefined }),
      members: fc.option(members(ids), { nil: undefined }),
      fields: fc.dictionary(fc.constantFrom('schemas', 'id', 'meta', 'members', 'displayName', 'unknown'), jsonValue(), { maxKeys: 2 }),
    })
    .map(({ base, displayName, externalId, members: m, fields }) => ({
      ...(base ? { schemas: [GROUP_URN], displayName: 'fuzz group' } : {}),
      ...(displayName !== undefined ? { displayName } : {}),
      ...(externalId !== undefined ? { externalId } : {}),
      ...(m !== undefined ? { members: m } : {}),
      ...fields,
    }));

/** A resource body nested around the depth budget inside an otherwise plausible User (as JSON text). */
export const deepUserBody = (): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...NESTINGS), fc.constantFrom<'array' | 'object'>('array', 'object'), fc.constantFrom('name', 'emails', 'unknownAttribute', WORKSPACE_URN)).map(
    ([depth, kind, attribute]) => `{"schemas":["${USER_URN}"],"userName":"deep@example.com","${attribute}":${nestedJson(depth, kind)}}`,
  );
