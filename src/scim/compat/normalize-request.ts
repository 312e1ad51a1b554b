import { normalizeEntraPatchOp, normalizeEntraResource } from './entra.js';
import { findKey, isJsonObject, type JsonObject } from '../json-object.js';
import { isSearchRequest, normalizeQuery, normalizeSearchRequest } from './normalize-query.js';
import { normalizeOktaPatchOp, normalizeOktaResource } from './okta.js';
import { toPatchOperation } from './patch-operation.js';

export { normalizeFilter } from './normalize-filter.js';

export interface ScimRequestInput {
  method: string;
  /** Null for other endpoints, e.g. root `/.search`. */
  resourceType: 'User' | 'Group' | null;
  body: unknown;
  query: Record<string, string | string[] | undefined>;
}

export interface NormalizedScimRequest {
  body: unknown;
  query: Record<string, string>;
}

/** Both dialects apply to every request: their fixes never conflict, and the User-Agent cannot tell clients apart. */
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

/** Unreadable ops are kept for the core to reject; the list may end up empty. */
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
