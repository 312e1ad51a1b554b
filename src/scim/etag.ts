import { ScimError } from './scim-error.js';

/** Over the version, bumped on every applied write. */
export const etagOf = (version: number): string => `W/"${version}"`;

function matches(header: string, version: number): boolean {
  return header.split(',').some((raw) => {
    const tag = raw.trim();
    if (tag === '*') return true;
    const value = /^(?:W\/)?"([^"]*)"$/.exec(tag)?.[1] ?? tag;
    return value === String(version);
  });
}

/** A mismatch means someone else wrote first. */
export function checkIfMatch(header: string | undefined, version: number): void {
  if (header === undefined || header.trim() === '') return;
  if (!matches(header, version)) {
    throw new ScimError(412, undefined, `the resource has changed since you read it (current version ${etagOf(version)}); GET it again and retry`);
  }
}

/** True when the client's copy is current (304). */
export function isNotModified(header: string | undefined, version: number): boolean {
  return header !== undefined && header.trim() !== '' && matches(header, version);
}
