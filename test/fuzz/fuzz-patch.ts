import fc from 'fast-check';
import { DEFAULT_SCIM_BUDGETS as B } from '../../src/scim/scim-budgets.js';
import { jsonValue, nestedJson } from './fuzz-json.js';
import { fuzzFilter } from './fuzz-filters.js';
import { fuzzString } from './fuzz-strings.js';

export const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const OPS = ['add', 'remove', 'replace', 'Add', 'REPLACE', 'Remove', 'move', 'copy', 'test', '', 'delete'];
const PATHS = [
  'userName', 'externalId', 'active', 'displayName', 'title', 'name', 'name.givenName', 'name.', '.name', 'emails', 'emails.value', 'emails[type eq "work"].value',
  'emails[type eq "work"]', 'emails[', 'emails[]', 'emails[type eq "work"].value.extra', 'phoneNumbers[type eq "mobile"].value', 'addresses[type eq "work"].locality',
  'roles', 'roles[primary eq true].value', 'members', 'members[value eq "x"]', 'members[value co "a"]', 'groups', 'meta', 'id', 'schemas', 'password',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
  'urn:rosterd:params:scim:schemas:extension:workspace:2.0:User:role', 'urn:rosterd:params:scim:schemas:extension:workspace:2.0:User:creditLimit',
  'urn:ietf:params:scim:schemas:core:2.0:User:userName', 'urn:unknown:Thing', 'unknown', 'a.b.c', '..', '[', ']', ' ',
];

const path = () => fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PATHS) }, { weight: 1, arbitrary: fuzzFilter().map((f) => `emails[${f}].value`) }, { weight: 1, arbitrary: fuzzString() }, { weight: 1, arbitrary: jsonValue() });

const operation = (ids: readonly string[]) =>
  fc.record(
    {
      op: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...OPS) }, { weight: 1, arbitrary: jsonValue() }),
      path: path(),
      value: fc.oneof({ weight: 4, arbitrary: jsonValue() }, { weight: 1, arbitrary: fc.array(fc.record({ value: fc.constantFrom(...ids) }), { maxLength: 3 }) }),
    },
    { requiredKeys: [] },
  );

/** `n` operations that are each fine on their own (many small writes to one attribute). */
export const manyOps = (n: number, op: object = { op: 'replace', path: 'title', value: 'x' }) => Array.from({ length: n }, () => op);

/** `n` member values, added or removed in one operation. */
export const memberOps = (ids: readonly string[], n: number, op: 'add' | 'remove') => [{ op, path: 'members', value: Array.from({ length: n }, (_, i) => ({ value: ids[i % ids.length] ?? `m${i}` })) }];

/** One well-formed operation whose value is an odd string, on a path that exists. */
const oddValueOp = () =>
  fc.tuple(fc.constantFrom('add', 'replace'), fc.constantFrom('userName', 'externalId', 'displayName', 'title', 'name.givenName', 'emails[type eq "work"].value', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'), fuzzString()).map(([op, path, value]) => ({ op, path, value }));

/** A PATCH body: odd operations, odd envelopes, and operation counts around the budgets (as JSON text). */
export const patchBody = (ids: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 10, arbitrary: fc.record({ schemas: fc.oneof({ weight: 5, arbitrary: fc.constant([PATCH_URN]) }, { weight: 1, arbitrary: jsonValue() }), Operations: fc.array(operation(ids), { maxLength: 4 }) }).map((b) => JSON.stringify(b)) },
    { weight: 4, arbitrary: fc.array(oddValueOp(), { minLength: 1, maxLength: 2 }).map((ops) => JSON.stringify({ schemas: [PATCH_URN], Operations: ops })) },
    { weight: 2, arbitrary: fc.record({ schemas: fc.constant([PATCH_URN]), Operations: jsonValue() }, { requiredKeys: [] }).map((b) => JSON.stringify(b)) },
    { weight: 1, arbitrary: fc.constantFrom(B.patchOperations, B.patchOperations + 1).map((n) => JSON.stringify({ schemas: [PATCH_URN], Operations: manyOps(n) })) },
    { weight: 1, arbitrary: fc.constantFrom(B.groupMembers, B.groupMembers + 1).chain((n) => fc.constantFrom<'add' | 'remove'>('add', 'remove').map((op) => JSON.stringify({ schemas: [PATCH_URN], Operations: memberOps(ids, n, op) }))) },
    { weight: 1, arbitrary: fc.constantFrom(B.jsonDepth, 1_000, 10_000).map((d) => `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"add","path":"title","value":${nestedJson(d, 'array')}}]}`) },
  );
