import type { ProfileSummary } from './cpu-profile-summary.js';

/**
 * Where a SCIM request's CPU goes, by the file each sample's own (self) time is in. Self time is where the CPU was,
 * not who asked for it: a Kysely frame under the key lookup counts as query building, not as auth.
 */
const CATEGORIES: [string, RegExp][] = [
  ['garbage collection', /^\(garbage collector\)/],
  ['idle (waiting for requests)', /^\(idle\)/],
  ['SQLite call', /better-sqlite3|kysely\/dist\/esm\/dialect\/sqlite|src\/store\/create-db\.ts/],
  ['query building (Kysely)', /node_modules\/kysely|src\/store\/prepared-query\.ts/],
  ['row mapping', /src\/store\/(member-row|member-repository|group-repository|workspace-repository)\.ts/],
  ['auth (key lookup, hash, compare)', /src\/scim\/auth\/|node:internal\/crypto|src\/model\/api-key-token\.ts/],
  ['filter parse and compile', /src\/scim\/filter\//],
  ['projection and resource', /src\/scim\/(projection|user-mapper|group-mapper|resource)/],
  ['ETag', /src\/scim\/etag\.ts/],
  ['serialisation', /fast-json-stringify|JSON\.stringify|serialize|secure-json-parse/],
  ['logging', /pino|src\/log\/|sonic-boom/],
  ['Fastify routing and hooks', /node_modules\/(fastify|find-my-way|light-my-request|avvio)/],
  ['other rosterd code', /^src\/|^connectors\//],
  ['Node HTTP and sockets', /node:_http|node:net|node:internal\/(streams|stream_base|http|net)|writev|(native)/],
  ['V8 and Node internals', /^\(program\)|node:/],
];

export interface CategoryShare {
  category: string;
  percent: number;
  /** µs of this category per request, when the request count is given. */
  usPerRequest?: number;
}

/** The profile's self time by category, largest first; `requests` turns shares into µs per request. */
export function profileCategories(summary: ProfileSummary, requests?: number): CategoryShare[] {
  const totals = new Map<string, number>();
  for (const spot of summary.self) {
    const text = `${spot.where} ${spot.function}`;
    const category = CATEGORIES.find(([, pattern]) => pattern.test(spot.where) || pattern.test(text))?.[0] ?? 'other';
    totals.set(category, (totals.get(category) ?? 0) + spot.ms);
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([category, ms]) => ({ category, percent: (100 * ms) / summary.totalMs, ...(requests ? { usPerRequest: (ms * 1000) / requests } : {}) }));
}
