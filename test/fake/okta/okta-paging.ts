import { oktaErrors } from './okta-errors.js';

/**
 * Cursor paging as Okta does it: an opaque `after` cursor taken from the
 * `next` Link, absolute URLs on the server's own origin, `rel="self"` always and `rel="next"` only while more
 * data exists. Pages are cut from a sorted id array with a binary search, so reading 100,000 app users in pages
 * of 500 costs O(n log n) in total, not O(n²).
 */
export interface LimitRule {
  min: number;
  max: number;
  default: number;
}

/** Per-endpoint limits from the spec (O9). Out-of-range values are clamped, as Okta does for list endpoints [U]. */
export const LIMITS = {
  appUsers: { min: 1, max: 500, default: 50 },
  appGroups: { min: 20, max: 200, default: 20 },
  groupUsers: { min: 1, max: 1000, default: 1000 },
  users: { min: 1, max: 200, default: 200 },
  userGroups: { min: 1, max: 10000, default: 10000 },
  logs: { min: 0, max: 1000, default: 100 },
} satisfies Record<string, LimitRule>;

/** The page size to serve: the request's `limit` within the endpoint's range, then the test's override cap. */
export function pageLimit(raw: string | null, rule: LimitRule, cap: number | null): number {
  let limit = rule.default;
  if (raw !== null) {
    if (!/^-?\d+$/.test(raw)) throw oktaErrors.validation(`limit: '${raw}' is not a number`);
    limit = Math.min(rule.max, Math.max(rule.min, Number(raw)));
  }
  return cap === null ? limit : Math.min(limit, cap);
}

/** Opaque to clients (they must follow links, not build them); decoded only by the fake. */
export function encodeCursor(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

export function decodeCursor(after: string): string {
  const value = Buffer.from(after, 'base64url').toString('utf8');
  if (value === '' || encodeCursor(value) !== after) throw oktaErrors.validation(`after: '${after}' is not a valid cursor`);
  return value;
}

/** Index of the first id strictly greater than `after` in an ascending array. */
function firstAfter(sorted: readonly string[], after: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Page {
  ids: string[];
  /** Cursor for the next page, or null on the last page. */
  nextAfter: string | null;
}

export function pageOf(sorted: readonly string[], after: string | null, limit: number): Page {
  const start = after === null ? 0 : firstAfter(sorted, decodeCursor(after));
  const ids = sorted.slice(start, start + limit);
  const more = start + limit < sorted.length && ids.length > 0;
  return { ids, nextAfter: more ? encodeCursor(ids[ids.length - 1]!) : null };
}

/**
 * `Link: <…>; rel="self", <…>; rel="next"` as one comma-joined value (the form the docs show; node-fetch joins
 * separate headers the same way, so the SDK sees no difference).
 */
export function linkHeader(origin: string, path: string, selfQuery: URLSearchParams, nextQuery: URLSearchParams | null): string {
  const url = (q: URLSearchParams) => `${origin}${path}${q.size > 0 ? `?${q.toString()}` : ''}`;
  const links = [`<${url(selfQuery)}>; rel="self"`];
  if (nextQuery !== null) links.push(`<${url(nextQuery)}>; rel="next"`);
  return links.join(', ');
}

/** The next page's query: the request's own parameters (limit, expand, filter…) with `after` replaced. */
export function nextQuery(query: URLSearchParams, after: string): URLSearchParams {
  const next = new URLSearchParams(query);
  // `since` and `after` are mutually exclusive on /logs; the cursor carries the position from here on.
  next.delete('since');
  next.set('after', after);
  return next;
}
