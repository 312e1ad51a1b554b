import { invalidPath } from '../scim-error.js';
import type { FilterNode } from './filter-ast.js';
import { FilterParser } from './filter-parser.js';

/**
 * A PATCH operation's path (RFC 7644 §3.5.2): `attribute[.subAttribute]`, optionally URN-qualified, or
 * `attribute[filter][.subAttribute]`. `subAttribute` is set both for `name.familyName` and for
 * `emails[type eq "work"].value`; `filter` only for the second.
 */
export interface PatchPath {
  uri?: string;
  attribute: string;
  subAttribute?: string;
  filter?: FilterNode;
}

/** @throws ScimError invalidPath with the expected token and its 0-based position. */
export function parsePatchPath(text: string): PatchPath {
  if (text.trim() === '') throw invalidPath('path: the path is empty');
  const { path, filter, subAttribute } = new FilterParser(text, 'path', invalidPath).parsePatchPath();
  return {
    ...path,
    ...(subAttribute !== undefined ? { subAttribute } : {}),
    ...(filter !== undefined ? { filter } : {}),
  };
}
