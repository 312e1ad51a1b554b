import type { JsonObject } from '../json-object.js';
import { URN } from '../scim-urn.js';

export function listResponse(total: number, startIndex: number, resources: JsonObject[]): JsonObject {
  return { schemas: [URN.listResponse], totalResults: total, itemsPerPage: resources.length, startIndex, Resources: resources };
}

/**
 * A list response as JSON text, holding resources until the next would exceed `maxBytes`, but at least one so
 * paging always moves on. Short pages are allowed: itemsPerPage tells the client where to continue.
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
