import fc from 'fast-check';
import { brokenJson, jsonValue, nestedJson } from './fuzz-json.js';
import { deepUserBody, groupBody, groupWithOddString, userBody, userWithOddString } from './fuzz-bodies.js';
import { patchBody } from './fuzz-patch.js';
import { fuzzQuery, rawQuery } from './fuzz-query.js';
import { fuzzString } from './fuzz-strings.js';

/** One workspace the fuzzer sends to: its base path, key and the ids of what it was seeded with. */
export interface FuzzWorkspace {
  id: string;
  base: string;
  token: string;
  userIds: string[];
  groupIds: string[];
}

export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** The endpoint as a template (`PATCH /Users/{id}`), for grouping failures. */
  endpoint: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const ENDPOINTS = ['/Users', '/Groups', '/Users/{id}', '/Groups/{id}', '/Users/.search', '/Groups/.search', '/.search', '/Schemas', '/Schemas/{id}', '/ResourceTypes', '/ResourceTypes/{id}', '/ServiceProviderConfig', '/Nope'] as const;
type Endpoint = (typeof ENDPOINTS)[number];

/** What a method is usually sent to; the fuzzer sends every method everywhere, but mostly where it means something. */
const USUAL: Record<Endpoint, readonly (typeof METHODS)[number][]> = {
  '/Users': ['GET', 'POST'],
  '/Groups': ['GET', 'POST'],
  '/Users/{id}': ['GET', 'PUT', 'PATCH', 'DELETE'],
  '/Groups/{id}': ['GET', 'PUT', 'PATCH', 'DELETE'],
  '/Users/.search': ['POST'],
  '/Groups/.search': ['POST'],
  '/.search': ['POST'],
  '/Schemas': ['GET'],
  '/Schemas/{id}': ['GET'],
  '/ResourceTypes': ['GET'],
  '/ResourceTypes/{id}': ['GET'],
  '/ServiceProviderConfig': ['GET'],
  '/Nope': ['GET'],
};

const CONTENT_TYPES = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/scim+json; charset=iso-8859-1', 'application/json; charset=utf-16', 'garbage', '', 'application/scim+json, application/json'];

/** Ids that are not ids: empty, encoded NUL and surrogates, traversal, very long, SQL. */
const BAD_IDS = ['%00', '..', '%2e%2e', 'a'.repeat(501), 'a'.repeat(100_000), '%ED%A0%80', '%F0%9F%98%80', "'%20or%201=1%20--", '%25', '%2F', 'null', '0', '-1', ' ', '%20', 'urn:ietf:params:scim:schemas:core:2.0:User'];

/** A key path segment for an id of `ws`: its own ids, the other workspace's, made-up and odd ones. */
const idSegment = (own: readonly string[], other: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...own) },
    { weight: 1, arbitrary: fc.constantFrom(...other) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_IDS) },
    { weight: 1, arbitrary: fuzzString().map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '?')) || 'x') },
    { weight: 1, arbitrary: fc.constantFrom('User', 'Group', 'urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:core:2.0:Group', 'EnterpriseUser') },
  );

/** A SearchRequest body (POST /.search): its parameters with any types. */
const searchBody = () =>
  fc.dictionary(fc.constantFrom('schemas', 'filter', 'startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes', 'Filter'), jsonValue(), { maxKeys: 4 }).map((b) => JSON.stringify(b));

/** The body for `method endpoint`, as JSON text (or not JSON at all). */
function bodyFor(method: string, endpoint: Endpoint, ws: FuzzWorkspace): fc.Arbitrary<string | undefined> {
  const broken = brokenJson();
  const resource = endpoint.startsWith('/Groups')
    ? fc.oneof({ weight: 3, arbitrary: groupBody(ws.userIds) }, { weight: 2, arbitrary: groupWithOddString() }).map((b) => JSON.stringify(b))
    : fc.oneof({ weight: 4, arbitrary: userBody().map((b) => JSON.stringify(b)) }, { weight: 3, arbitrary: userWithOddString().map((b) => JSON.stringify(b)) }, { weight: 1, arbitrary: deepUserBody() });
  if (method === 'PATCH') return fc.oneof({ weight: 6, arbitrary: patchBody(ws.userIds) }, { weight: 1, arbitrary: broken }, { weight: 1, arbitrary: resource });
  if (endpoint.endsWith('.search')) return fc.oneof({ weight: 5, arbitrary: searchBody() }, { weight: 1, arbitrary: broken }, { weight: 1, arbitrary: fc.constantFrom(1_000, 10_000).map((d) => `{"filter":${nestedJson(d, 'array', '"x"')}}`) });
  if (method === 'POST' || method === 'PUT') return fc.oneof({ weight: 6, arbitrary: resource }, { weight: 2, arbitrary: broken });
  return fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: broken }, { weight: 1, arbitrary: resource });
}

/** Headers: the right key mostly, another workspace's, none or garbage now and then; odd content types and ETags. */
function headersFor(ws: FuzzWorkspace, other: FuzzWorkspace, hasBody: boolean): fc.Arbitrary<Record<string, string>> {
  return fc
    .record({
      authorization: fc.oneof({ weight: 30, arbitrary: fc.constant(`Bearer ${ws.token}`) }, { weight: 1, arbitrary: fc.constantFrom(`Bearer ${other.token}`, '', 'Bearer', 'Basic dXNlcjpwYXNz', `Bearer ${ws.token}x`, ws.token) }),
      contentType: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('application/scim+json', 'application/json') }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
      ifMatch: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('*', 'W/"1"', '"1"', 'W/"999"', 'garbage', 'W/', '""') }),
    })
    .map(({ authorization, contentType, ifMatch }) => ({
      ...(authorization !== '' ? { authorization } : {}),
      ...(hasBody && contentType !== '' ? { 'content-type': contentType } : {}),
      ...(ifMatch !== undefined ? { 'if-match': ifMatch } : {}),
    }));
}

/** Any malformed (or now and then valid) request to either workspace. */
export function fuzzRequest(a: FuzzWorkspace, b: FuzzWorkspace): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(fc.oneof({ weight: 4, arbitrary: fc.constant([a, b] as const) }, { weight: 1, arbitrary: fc.constant([b, a] as const) }), fc.constantFrom(...ENDPOINTS))
    .chain(([[ws, other], endpoint]) =>
      fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...USUAL[endpoint]) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }).chain((method) =>
        fc
          .record({
            id: idSegment(endpoint.startsWith('/Groups') ? ws.groupIds : ws.userIds, endpoint.startsWith('/Groups') ? other.groupIds : other.userIds),
            query: method === 'GET' ? fc.oneof({ weight: 6, arbitrary: fuzzQuery() }, { weight: 1, arbitrary: rawQuery() }) : fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fuzzQuery() }),
            payload: bodyFor(method, endpoint, ws),
          })
          .chain(({ id, query, payload }) =>
            headersFor(ws, other, payload !== undefined).map((headers) => ({
              method,
              url: `${ws.base}${endpoint.replace('{id}', id)}${query}`,
              headers,
              ...(payload !== undefined ? { payload } : {}),
              endpoint: `${method} ${endpoint}`,
            })),
          ),
      ),
    );
}

/** A body just over the server's body limit (8 MiB by default): rare, since each is megabytes. */
export const oversizeRequest = (ws: FuzzWorkspace, bodyLimit: number): FuzzRequest => ({
  method: 'POST',
  url: `${ws.base}/Users`,
  headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/scim+json' },
  payload: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"big@example.com","title":"${'x'.repeat(bodyLimit)}"}`,
  endpoint: 'POST /Users',
});
