import { RosterdError } from '../error/rosterd-error.js';

/** Non-negative integer option, or one clear line. */
export function parseCount(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new RosterdError('ROSTERD_E_USAGE', `${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}
