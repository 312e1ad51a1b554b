import type { FilterNode } from './filter-ast.js';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:user';
const UNIQUE = { id: 'id', username: 'userName', externalid: 'externalId' } as const;

export type UniqueLookup = { attribute: (typeof UNIQUE)[keyof typeof UNIQUE]; value: string };

/** The `eq` lookup IdPs send before every write: it names at most one member, so a direct indexed read answers it. */
export function uniqueLookup(node: FilterNode): UniqueLookup | null {
  if (node.op !== 'eq' || node.path.subAttribute !== undefined) return null;
  if (node.path.uri !== undefined && node.path.uri.toLowerCase() !== CORE_USER) return null;
  const attribute = UNIQUE[node.path.attribute.toLowerCase() as keyof typeof UNIQUE];
  if (!attribute) return null;
  // Like the compiler, coerce a number to text (Entra's unquoted externalId).
  if (typeof node.value !== 'string' && typeof node.value !== 'number') return null;
  return { attribute, value: String(node.value) };
}
