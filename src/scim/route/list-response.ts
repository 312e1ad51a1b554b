import type { JsonObject } from '../ci-object.js';
import { URN } from '../scim-urn.js';

/** RFC 7644 §3.4.2: the numbers are integers and Resources is always present. */
export function listResponse(total: number, startIndex: number, resources: JsonObject[]): JsonObject {
  return { schemas: [URN.listResponse], totalResults: total, itemsPerPage: resources.length, startIndex, Resources: resources };
}
