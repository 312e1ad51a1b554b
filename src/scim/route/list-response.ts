import type { JsonObject } from '../json-object.js';
import { URN } from '../scim-urn.js';

/** RFC 7644 §3.4.2: the numbers are integers and Resources is always present. */
export function listResponse(total: number, startIndex: number, resources: JsonObject[]): JsonObject {
  return { schemas: [URN.listResponse], totalResults: total, itemsPerPage: resources.length, startIndex, Resources: resources };
}

/**
 * A list response as the JSON text sent, holding the resources in order until the next would take their text past
 * `maxBytes` (scim.budgets.responseBytes), and at least one so that paging always moves on. A short page is allowed
 * (RFC 7644 §3.4.2.4: itemsPerPage says how many came, and the client asks for the next startIndex). Each
 * resource is serialised once, here.
 */
export function boundedListResponse(total: number, startIndex: number, resources: readonly JsonObject[], maxBytes: number): string {
  const texts: string[] = [];
  let bytes = 0;
  for (const resource of resources) {
    const text = JSON.stringify(resource);
    bytes += Buffer.byteLength(text) + 1;
    if (bytes > maxBytes && texts.length > 0) break;
    texts.push(text);
  }
  return `{"schemas":["${URN.listResponse}"],"totalResults":${total},"itemsPerPage":${texts.length},"startIndex":${startIndex},"Resources":[${texts.join(',')}]}`;
}
