import type { FilterNode } from './filter-ast.js';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:user';
const UNIQUE = { id: 'id', username: 'userName', externalid: 'externalId' } as const;

export type UniqueLookup = { attribute: (typeof UNIQUE)[keyof typeof UNIQUE]; value: string };

/**
 * `userName eq "…"`, `externalId eq "…"` or `id eq "…"`: the lookup both IdPs send before every write. It
 * names at most one member, so the caller can answer it with a direct indexed read instead of a paged query.
 */
export function uniqueLookup(node: FilterNode): UniqueLookup | null {
  if (node.op !== 'eq' || node.path.subAttribute !== undefined) return null;
  if (node.path.uri !== undefined && node.path.uri.toLowerCase() !== CORE_USER) return null;
  const attribute = UNIQUE[node.path.attribute.toLowerCase() as keyof typeof UNIQUE];
  if (!attribute) return null;
  // The compiler coerces a number to text for these string attributes (Entra's unquoted externalId); so do we.
  if (typeof node.value !== 'string' && typeof node.value !== 'number') return null;
  return { attribute, value: String(node.value) };
}
