import { batchItemFailure, type GraphReader } from './entra-client.js';
import type { EntraMapping, GraphUserObject } from './entra-mapper.js';

// User profiles by id: `$filter=id in (…)` with Graph's limit of 15 ids, 20 requests per `$batch`. Batches run
// `concurrency` at a time but come back in order, so the caller streams them. Also one user by userName.
export const IDS_PER_FILTER = 15;
export const REQUESTS_PER_BATCH = 20;

export interface ProfileBatch {
  users: GraphUserObject[];
  /** Deleted since the assignment list was read. */
  missing: string[];
}

export function userFilterUrl(ids: readonly string[], select: readonly string[]): string {
  const list = ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(',');
  // Spaces encoded: the url also travels verbatim inside a $batch body.
  return `/users?$filter=id%20in%20(${list})&$select=${select.join(',')}`;
}

/** Properties Graph filters with `eq` without advanced queries (no ConsistencyLevel header). */
const FILTERABLE_USER_NAME_SOURCES: ReadonlySet<string> = new Set(['userPrincipalName', 'mail', 'employeeId', 'onPremisesSamAccountName']);

/** The mapping's userName source if Graph can filter it plainly; otherwise userPrincipalName, the default. */
export function userNameProperty(mapping: Pick<EntraMapping, 'userName'>): string {
  return mapping.userName !== undefined && FILTERABLE_USER_NAME_SOURCES.has(mapping.userName) ? mapping.userName : 'userPrincipalName';
}

/** OData quotes doubled, then the literal percent-encoded, as the Graph SDK sends query strings as given. */
export function userLookupUrl(property: string, value: string, select: readonly string[]): string {
  const literal = encodeURIComponent(`'${value.replace(/'/g, "''")}'`);
  return `/users?$filter=${property}%20eq%20${literal}&$select=${select.join(',')}`;
}

/** A failed item (after throttling retries) throws. */
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
      // Avoid an unhandled rejection while an earlier batch is consumed; it rethrows when awaited.
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
