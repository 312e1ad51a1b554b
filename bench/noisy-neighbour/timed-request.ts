import type { ScimRequest } from './heavy-requests.js';

export interface Timed {
  status: number;
  ms: number;
}

/** Send `request` to `base` (an absolute SCIM base URL) over real HTTP, read the whole answer, and time it. */
export async function timedRequest(base: string, token: string, request: ScimRequest): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers: { authorization: `Bearer ${token}`, ...(request.body !== undefined ? { 'content-type': 'application/scim+json' } : {}) },
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}
