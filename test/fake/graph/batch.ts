import { badRequest, faultResponse, type GraphResponse, GraphHttpError } from './graph-errors.js';
import type { GraphRoutes } from './graph-routes.js';

/**
 * `POST /v1.0/$batch`: at most 20 requests with unique ids and urls relative to
 * the version; each item is answered by the same routes as a direct call; the responses come back in a
 * different order than asked (clients must correlate by id), and an item can be throttled inside a 200.
 */
export interface BatchItemFault {
  status: number;
  count: number;
  retryAfterSeconds: number;
}

interface BatchRequestItem {
  id?: unknown;
  method?: unknown;
  url?: unknown;
  headers?: Record<string, string>;
  dependsOn?: unknown;
}

export function handleBatch(body: unknown, routes: GraphRoutes, itemFaults: BatchItemFault[], clientRequestId?: string): GraphResponse {
  try {
    const requests = (body as { requests?: unknown })?.requests;
    if (!Array.isArray(requests)) throw badRequest('Invalid batch payload format.', 'BadRequest');
    if (requests.length === 0) throw badRequest('Invalid batch payload format: requests is empty.', 'BadRequest');
    if (requests.length > 20) throw badRequest('Too many requests in the batch. The maximum is 20.', 'BadRequest');
    const ids = new Set<string>();
    for (const item of requests as BatchRequestItem[]) {
      if (typeof item?.id !== 'string' || item.id === '') throw badRequest('Each batch request needs a non-empty string id.', 'BadRequest');
      if (typeof item.method !== 'string' || typeof item.url !== 'string') throw badRequest(`Batch request ${item.id} needs method and url.`, 'BadRequest');
      if (/^https?:/i.test(item.url)) throw badRequest(`Batch request ${item.id}: the url must be relative, such as /users/{id}.`, 'BadRequest');
      const key = item.id.toLowerCase();
      if (ids.has(key)) throw badRequest(`Batch request id ${item.id} is not unique.`, 'BadRequest');
      ids.add(key);
      if (item.dependsOn !== undefined) throw badRequest('This fake does not support dependsOn.', 'BadRequest');
    }
    const responses = (requests as BatchRequestItem[]).map((item) => answer(item, routes, itemFaults));
    // Reverse, then swap pairs: never the request order, still deterministic for debugging.
    responses.reverse();
    for (let i = 0; i + 1 < responses.length; i += 2) [responses[i], responses[i + 1]] = [responses[i + 1]!, responses[i]!];
    return { status: 200, body: { responses } };
  } catch (err) {
    if (err instanceof GraphHttpError) return err.toResponse(clientRequestId);
    throw err;
  }
}

function answer(item: BatchRequestItem, routes: GraphRoutes, itemFaults: BatchItemFault[]): { id: string; status: number; headers: Record<string, string>; body: unknown } {
  const id = item.id as string;
  const fault = itemFaults[0];
  if (fault) {
    if (--fault.count <= 0) itemFaults.shift();
    const r = faultResponse(fault.status, fault.retryAfterSeconds);
    return { id, status: r.status, headers: { 'Content-Type': 'application/json', ...r.headers }, body: r.body };
  }
  const url = new URL((item.url as string).replace(/^\/?(v1\.0\/)?/i, '/'), 'https://batch.invalid');
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(item.headers ?? {})) headers[k.toLowerCase()] = v;
  const r = routes.handle({ method: (item.method as string).toUpperCase(), path: decodeURIComponent(url.pathname), query: url.searchParams, headers });
  return { id, status: r.status, headers: { 'Content-Type': 'application/json', ...r.headers }, body: r.body };
}
