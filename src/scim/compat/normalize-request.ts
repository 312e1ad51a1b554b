import { normalizeEntraPatchOp, normalizeEntraResource } from './entra.js';
import { findKey, isJsonObject, type JsonObject } from '../json-object.js';
import { isSearchRequest, normalizeQuery, normalizeSearchRequest } from './normalize-query.js';
import { normalizeOktaPatchOp, normalizeOktaResource } from './okta.js';
import { toPatchOperation } from './patch-operation.js';

export { normalizeFilter } from './normalize-filter.js';

export interface ScimRequestInput {
  method: string;
  /** The resource type the route serves; null for endpoints that are not /Users or /Groups (e.g. root `/.search`). */
  resourceType: 'User' | 'Group' | null;
  body: unknown;
  query: Record<string, string | string[] | undefined>;
}

export interface NormalizedScimRequest {
  body: unknown;
  query: Record<string, string>;
}

/**
 * Turn a request in Entra's or Okta's dialect into the strict RFC 7643/7644 shape the core accepts.
 * Both dialects are applied to every request: their fixes never conflict, and
 * the User-Agent is not a reliable way to tell the clients apart.
 *
 * - query: canonical parameter names, startIndex ≥ 1, filter values quoted (normalize-query.ts);
 * - PATCH: each operation normalised, possibly into several (entra.ts, okta.ts);
 * - POST `/.search` (a SearchRequest body): filter and startIndex as in the query;
 * - POST and PUT of a User or Group: client-only and null attributes removed, booleans and manager reshaped,
 *   passwords removed.
 *
 * Pure: the input is not modified. Throws a ScimError (400 invalidValue) only where passing the request on
 * would do harm (a member removal that would empty a group).
 */
export function normalizeScimRequest(input: ScimRequestInput): NormalizedScimRequest {
  return { body: normalizeBody(input), query: normalizeQuery(input.query) };
}

function normalizeBody({ method, resourceType, body }: ScimRequestInput): unknown {
  const verb = method.toUpperCase();
  if (verb === 'PATCH') return isJsonObject(body) ? normalizePatchRequest(body) : body;
  if (verb === 'POST' && isSearchRequest(body)) return normalizeSearchRequest(body);
  if ((verb === 'POST' || verb === 'PUT') && resourceType !== null && isJsonObject(body)) {
    return normalizeOktaResource(normalizeEntraResource(body));
  }
  return body;
}

/**
 * A PatchOp message with its `Operations` member (any case: Entra quirk 11) under the canonical name and
 * each operation normalised by both dialects. An operation this layer cannot read is kept as it is, for the
 * core to reject. Normalising can leave the list empty (an Okta password sync, an empty Entra removal):
 * that is a request with nothing to do.
 */
export function normalizePatchRequest(body: JsonObject): JsonObject {
  const key = findKey(body, 'Operations');
  const operations = key === undefined ? undefined : body[key];
  if (key === undefined || !Array.isArray(operations)) return body;
  const normalized = operations.flatMap((raw: unknown) => {
    const op = toPatchOperation(raw);
    return op === null ? [raw] : normalizeEntraPatchOp(op).flatMap(normalizeOktaPatchOp);
  });
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === key) out.Operations = normalized;
    else out[name] = value;
  }
  return out;
}
