import { URN } from '../scim-urn.js';
/**
 * Just enough of the RFC 7644 §3.5.2 PATCH path grammar for the compat layer to decide *what* an operation
 * targets (`active`? `manager`? `members`? `emails[...].primary`?). The core owns the real parser; this one
 * never rejects anything, it only answers "I don't know" (null) and the caller then leaves the op alone.
 */

const KNOWN_SCHEMAS = new Set([URN.user, URN.group, URN.enterpriseUser].map((s) => s.toLowerCase()));

/** True for the resource schema URNs the gateway knows (compared case-insensitively). */
export function isKnownSchemaUrn(text: string): boolean {
  return KNOWN_SCHEMAS.has(text.toLowerCase());
}

export interface PathTarget {
  /** Schema URN prefix, if the path was URN-qualified (`urn:…:enterprise:2.0:User:manager`). */
  schema?: string;
  /** Attribute name, lower-cased (`emails`, `active`, `manager`). */
  attribute: string;
  /** The text between `[` and `]`, verbatim, if the path has a value filter. */
  filter?: string;
  /** Sub-attribute, lower-cased (`value`, `primary`, `givenname`). */
  subAttribute?: string;
}

/**
 * Index of the `]` closing the `[` at `open`, skipping over quoted strings (a filter value such as
 * `"a]b"` must not end the bracket). -1 if there is none.
 */
export function findClosingBracket(text: string, open: number): number {
  let inString = false;
  for (let i = open + 1; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === ']') {
      return i;
    }
  }
  return -1;
}

/**
 * Split an attribute reference into schema URN and attribute. Attribute names cannot contain `:`
 * (RFC 7643 §2.1 ATTRNAME), so the attribute is whatever follows the LAST colon and the schema is
 * everything before it, even for custom URNs such as `urn:base44:params:scim:schemas:extension:user:2.0:role`.
 */
export function splitUrnQualified(reference: string): { schema?: string; rest: string } {
  const colon = reference.lastIndexOf(':');
  if (colon < 0) return { rest: reference };
  return { schema: reference.slice(0, colon), rest: reference.slice(colon + 1) };
}

/** What a PATCH path points at, or null when the path is not understood (or is a whole schema URN). */
export function parsePathTarget(path: string): PathTarget | null {
  const trimmed = path.trim();
  if (trimmed === '' || isKnownSchemaUrn(trimmed)) return null;

  let head = trimmed;
  let filter: string | undefined;
  let tail = '';
  const open = trimmed.indexOf('[');
  if (open >= 0) {
    const close = findClosingBracket(trimmed, open);
    if (close < 0) return null;
    head = trimmed.slice(0, open);
    filter = trimmed.slice(open + 1, close);
    tail = trimmed.slice(close + 1);
    if (tail !== '' && !tail.startsWith('.')) return null;
  }

  const { schema, rest } = splitUrnQualified(head);
  const dot = rest.indexOf('.');
  const attribute = (dot >= 0 ? rest.slice(0, dot) : rest).toLowerCase();
  let subAttribute = dot >= 0 ? rest.slice(dot + 1).toLowerCase() : undefined;
  if (tail !== '') {
    if (subAttribute !== undefined) return null;
    subAttribute = tail.slice(1).toLowerCase();
  }
  if (attribute === '') return null;

  return {
    ...(schema !== undefined ? { schema } : {}),
    attribute,
    ...(filter !== undefined ? { filter } : {}),
    ...(subAttribute !== undefined ? { subAttribute } : {}),
  };
}
