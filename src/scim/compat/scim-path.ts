// Just enough PATCH path grammar to tell what an op targets. It never rejects: null means "leave the op alone".
import { URN } from '../scim-urn.js';

const KNOWN_SCHEMAS = new Set([URN.user, URN.group, URN.enterpriseUser].map((s) => s.toLowerCase()));

export function isKnownSchemaUrn(text: string): boolean {
  return KNOWN_SCHEMAS.has(text.toLowerCase());
}

export interface PathTarget {
  schema?: string;
  /** Lower-cased, as is subAttribute. */
  attribute: string;
  filter?: string;
  subAttribute?: string;
}

/** Skips quoted strings; -1 if none. */
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

/** At the last colon: attribute names cannot contain `:`, custom URNs included. */
export function splitUrnQualified(reference: string): { schema?: string; rest: string } {
  const colon = reference.lastIndexOf(':');
  if (colon < 0) return { rest: reference };
  return { schema: reference.slice(0, colon), rest: reference.slice(colon + 1) };
}

/** Null when not understood or a whole schema URN. */
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
