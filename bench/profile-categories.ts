import type { ProfileSummary } from './cpu-profile-summary.js';

/**
 * Where a SCIM request's CPU goes, by the file each sample's own (self) time is in. Self time is where the CPU was,
 * not who asked for it: a Kysely frame under the key lookup counts as query building, not as auth.
 */
const CATEGORIES: [string, RegExp][] = [
  ['garbage collection', /^\(garbage collector\)/],
  ['idle (waiting for requests)', /^\(idle\)/],
  ['SQLite call', /src\/store\/dialect\/sqlite\/|better-sqlite3|kysely\/dist\/esm\/dialect\/sqlite/],
  ['PostgreSQL client and protocol', /node_modules\/(pg|pg-protocol|pg-pool|pg-types|pg-copy-streams)\/|src\/store\/dialect\/postgres\//],
  ['query building (Kysely)', /node_modules\/kysely|src\/store\/prepared-query\.ts/],
  ['row mapping', /src\/store\/(member-row|member-repository|group-repository|workspace-repository)\.ts/],
  ['auth (key lookup, hash, compare)', /src\/scim\/auth\/|node:internal\/crypto|src\/model\/api-key-token\.ts/],
  ['filter parse and compile', /src\/scim\/filter\/|src\/scim\/compat\/normalize-(query|filter)/],
  ['projection, resource and its JSON', /src\/scim\/(projection|user-mapper|group-mapper|route\/list-response)|fast-json-stringify/],
  ['ETag', /src\/scim\/etag\.ts/],
  ['logging (line and its write to stdout)', /pino|src\/log\/|sonic-boom| writeString$/],
  ['metrics', /prom-client|src\/daemon\/metrics\.ts/],
  ['Fastify routing, hooks and body parsing', /node_modules\/(fastify|find-my-way|light-my-request|avvio|fast-querystring|secure-json-parse)/],
  ['other rosterd code', /^src\/|^connectors\//],
  ['Node HTTP and sockets', /node:_http|node:net|node:internal\/(streams|stream_base|http|net)| writev$| writeBuffer$| hexWrite$/],
  ['V8 and Node internals', /^\(program\)|^node:| runMicrotasks$|^\(native\)/],
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
