import { DEFAULT_SCIM_BUDGETS as B } from '../../src/scim/scim-budgets.js';
import { ENTERPRISE_URN, GROUP_URN, USER_URN } from './fuzz-bodies.js';
import { chain, nested } from './fuzz-filters.js';
import { nestedJson } from './fuzz-json.js';
import { manyOps, memberOps, PATCH_URN } from './fuzz-patch.js';
import type { FuzzRequest, FuzzWorkspace } from './fuzz-request.js';

/**
 * The extremes every run sends before the random requests, so each budget's edge is tried whatever the seed: one
 * under, at and over each limit, and far past it.
 */
export function edgeRequests(ws: FuzzWorkspace): FuzzRequest[] {
  const headers = { authorization: `Bearer ${ws.token}`, 'content-type': 'application/scim+json' };
  const get = (path: string): FuzzRequest => ({ method: 'GET', url: `${ws.base}${path}`, headers, endpoint: `GET ${path.replace(/\?.*/, '').replace(/\/[0-9a-f-]{36}$/, '/{id}')}` });
  const send = (method: FuzzRequest['method'], path: string, body: unknown): FuzzRequest => ({
    method,
    url: `${ws.base}${path}`,
    headers,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    endpoint: `${method} ${path.replace(/\/[0-9a-f-]{36}$/, '/{id}')}`,
  });
  const user = ws.userIds[0]!;
  const group = ws.groupIds[0]!;
  const filters = [
    ...[B.filterDepth, B.filterDepth + 1, 1_000, 10_000].flatMap((d) => [nested(d, '('), nested(d, 'not ('), nested(d, 'emails[')]),
    ...[B.filterTerms, B.filterTerms + 1, 1_000].flatMap((n) => [chain(n, 'or'), chain(n, 'and')]),
    chain(B.substringTerms, 'or', B.substringTerms),
    chain(B.substringTerms + 1, 'or', B.substringTerms + 1),
    `userName eq "${'a'.repeat(B.filterLength)}"`,
    'userName eq "\\u0000"',
    'externalId eq "\\ud800"',
    'displayName co "\\u0000"',
    `emails[value eq "${'é'.repeat(B.stringLength + 1)}"]`,
  ];
  const identifiers = [B.identifierLength, B.identifierLength + 1].flatMap((n) => ['a'.repeat(n), '😀'.repeat(n), `${'😀'.repeat(n - 12)}@example.com`]);
  return [
    ...filters.flatMap((filter) => [
      get(`/Users?filter=${encodeURIComponent(filter)}`),
      get(`/Groups?filter=${encodeURIComponent(filter)}`),
      send('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter }),
      send('PATCH', `/Users/${user}`, { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: `emails[${filter}].value`, value: 'x@example.com' }] }),
      send('PATCH', `/Groups/${group}`, { schemas: [PATCH_URN], Operations: [{ op: 'remove', path: `members[${filter}]` }] }),
    ]),
    ...identifiers.flatMap((id) => [
      send('POST', '/Users', { schemas: [USER_URN], userName: id, active: true }),
      send('POST', '/Users', { schemas: [USER_URN], userName: `ext-${id.length}@example.com`, externalId: id }),
      send('PATCH', `/Users/${user}`, { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'userName', value: id }] }),
      send('POST', '/Groups', { schemas: [GROUP_URN], displayName: id }),
      send('PATCH', `/Groups/${group}`, { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: 'displayName', value: id }] }),
      get(`/Users?filter=${encodeURIComponent(`userName eq ${JSON.stringify(id)}`)}`),
    ]),
    ...[B.stringLength, B.stringLength + 1].flatMap((n) => [
      send('POST', '/Users', { schemas: [USER_URN], userName: `long-${n}@example.com`, title: '😀'.repeat(n) }),
      send('PATCH', `/Users/${user}`, { schemas: [PATCH_URN], Operations: [{ op: 'replace', path: `${ENTERPRISE_URN}:department`, value: 'é'.repeat(n) }] }),
    ]),
    ...[B.multiValuedEntries, B.multiValuedEntries + 1, 10_000].map((n) =>
      send('PATCH', `/Users/${user}`, { schemas: [PATCH_URN], Operations: [{ op: 'add', path: 'emails', value: Array.from({ length: n }, (_, i) => ({ value: `e${i}@example.com`, type: 'other' })) }] }),
    ),
    ...[B.jsonDepth, B.jsonDepth + 1, 1_000, 10_000, 100_000].flatMap((d) => [
      send('POST', '/Users', `{"schemas":["${USER_URN}"],"userName":"deep${d}@example.com","name":${nestedJson(d, 'object')}}`),
      send('PUT', `/Users/${user}`, `{"schemas":["${USER_URN}"],"userName":"deep${d}@example.com","emails":${nestedJson(d, 'array')}}`),
      send('PATCH', `/Users/${user}`, `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"add","path":"title","value":${nestedJson(d, 'array')}}]}`),
      send('POST', '/Groups', `{"schemas":["${GROUP_URN}"],"displayName":"deep ${d}","members":${nestedJson(d, 'array')}}`),
      send('POST', '/Users/.search', `{"filter":${nestedJson(d, 'object', '"x"')}}`),
    ]),
    ...[B.patchOperations, B.patchOperations + 1].flatMap((n) => [
      send('PATCH', `/Users/${user}`, { schemas: [PATCH_URN], Operations: manyOps(n) }),
      send('PATCH', `/Users/${user}`, { schemas: [PATCH_URN], Operations: manyOps(n, { op: 'add', path: 'emails', value: [{ value: 'x@example.com', type: 'work' }] }) }),
      send('PATCH', `/Groups/${group}`, { schemas: [PATCH_URN], Operations: manyOps(n, { op: 'add', path: 'members', value: [{ value: user }] }) }),
    ]),
    ...[B.groupMembers, B.groupMembers + 1].flatMap((n) => [
      send('PATCH', `/Groups/${group}`, { schemas: [PATCH_URN], Operations: memberOps(ws.userIds, n, 'add') }),
      send('PATCH', `/Groups/${group}`, { schemas: [PATCH_URN], Operations: memberOps(ws.userIds, n, 'remove') }),
      send('PUT', `/Groups/${group}`, { schemas: [GROUP_URN], displayName: 'Seeded', members: memberOps(ws.userIds, n, 'add')[0]!.value }),
      send('POST', '/Groups', { schemas: [GROUP_URN], displayName: `many ${n}`, members: memberOps(ws.userIds, n, 'add')[0]!.value }),
    ]),
    ...['-1', '0', '9999999999999999999999', '1e309', 'abc'].flatMap((v) => [get(`/Users?startIndex=${v}`), get(`/Users?count=${v}`), get(`/Groups?startIndex=${v}&count=${v}`)]),
  ];
}
