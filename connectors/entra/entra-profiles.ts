import { batchItemFailure, type GraphReader } from './entra-client.js';
import type { EntraMapping, GraphUserObject } from './entra-mapper.js';

// User profiles by id, within Graph's limits. Batches run concurrently but come back in order, so the caller streams.
export const IDS_PER_FILTER = 15;
export const REQUESTS_PER_BATCH = 20;

export interface ProfileBatch {
  users: GraphUserObject[];
  /** Deleted since the assignment list was read. */
  missing: string[];
}

export function userFilterUrl(ids: readonly string[], select: readonly string[]): string {
  const list = ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(',');
  // The url also travels verbatim inside a $batch body.
  return `/users?$filter=id%20in%20(${list})&$select=${select.join(',')}`;
}

/** Filterable with `eq` without advanced queries. */
const FILTERABLE_USER_NAME_SOURCES: ReadonlySet<string> = new Set(['userPrincipalName', 'mail', 'employeeId', 'onPremisesSamAccountName']);

export function userNameProperty(mapping: Pick<EntraMapping, 'userName'>): string {
  return mapping.userName !== undefined && FILTERABLE_USER_NAME_SOURCES.has(mapping.userName) ? mapping.userName : 'userPrincipalName';
}

/** Percent-encoded: the Graph SDK sends query strings as given. */
export function userLookupUrl(property: string, value: string, select: readonly string[]): string {
  const literal = encodeURIComponent(`'${value.replace(/'/g, "''")}'`);
  return `/users?$filter=${property}%20eq%20${literal}&$select=${select.join(',')}`;
}

async function readChunk(reader: GraphReader, ids: readonly string[], select: readonly string[]): Promise<ProfileBatch> {
  const urls = new Map<string, string>();
  for (let i = 0; i < ids.length; i += IDS_PER_FILTER) urls.set(String(urls.size + 1), userFilterUrl(ids.slice(i, i + IDS_PER_FILTER), select));
  const results = await reader.batch(urls);
  const users: GraphUserObject[] = [];
  for (const id of [...urls.keys()]) {
    const result = results.get(id)!;
    if (result.status !== 200) throw batchItemFailure(result);
    users.push(...((result.body as { value?: GraphUserObject[] }).value ?? []));
  }
  const found = new Set(users.map((u) => u.id));
  return { users, missing: ids.filter((id) => !found.has(id)) };
}

export async function* readProfiles(
  reader: GraphReader,
  ids: Iterable<string>,
  select: readonly string[],
  concurrency: number,
): AsyncGenerator<ProfileBatch, void, undefined> {
  const perBatch = IDS_PER_FILTER * REQUESTS_PER_BATCH;
  const iterator = ids[Symbol.iterator]();
  const nextChunk = (): string[] => {
    const chunk: string[] = [];
    while (chunk.length < perBatch) {
      const r = iterator.next();
      if (r.done) break;
      chunk.push(r.value);
    }
    return chunk;
  };
  const inFlight: Promise<ProfileBatch>[] = [];
  const fill = () => {
    while (inFlight.length < concurrency) {
      const chunk = nextChunk();
      if (chunk.length === 0) return;
      const p = readChunk(reader, chunk, select);
      // No unhandled rejection while an earlier batch is consumed; it rethrows when awaited.
      p.catch(() => undefined);
      inFlight.push(p);
    }
  };
  fill();
  while (inFlight.length > 0) {
    const batch = await inFlight.shift()!;
    fill();
    yield batch;
  }
}
