import { tooDeep } from './json-body-parser.js';
import { invalidValue, type ScimError } from './scim-error.js';

/** PostgreSQL text cannot hold a NUL. Iterative, so nothing deep reaches a recursive step later. */
export function checkJsonInput(value: unknown, maxDepth: number): ScimError | undefined {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return nulRefused();
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > maxDepth) return tooDeep(maxDepth);
    if (Array.isArray(current)) {
      for (const element of current) {
        values.push(element);
        depths.push(depth + 1);
      }
      continue;
    }
    for (const key in current) {
      if (!Object.hasOwn(current, key)) continue;
      if (key.includes('\u0000')) return nulRefused();
      values.push((current as Record<string, unknown>)[key]);
      depths.push(depth + 1);
    }
  }
  return undefined;
}

const nulRefused = () => invalidValue('the request contains a NUL character (\\u0000), which rosterd cannot store or search for; remove it from the value');
