import { batchItemFailure, type GraphReader } from './entra-client.js';
import type { EntraMapping, GraphUserObject } from './entra-mapper.js';

/**
 * User profiles for a known list of ids: `$filter=id in (…)` with 15 ids per request (Graph's limit,
 * reference §A2.2), 20 such requests per `$batch` (§A2.4), so one round trip reads 300 users. Up to
 * `concurrency` batches are in flight; results come back in order, one batch at a time, so the caller can
 * stream them without holding every profile. And one user by userName, with `$filter=<property> eq '…'`.
 */
export const IDS_PER_FILTER = 15;
export const REQUESTS_PER_BATCH = 20;

export interface ProfileBatch {
  users: GraphUserObject[];
  /** Ids that Graph did not return (deleted since the assignment was read, or in deletedItems). */
  missing: string[];
}

export function userFilterUrl(ids: readonly string[], select: readonly string[]): string {
  const list = ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(',');
  // Spaces encoded: the url also travels verbatim inside a $batch body, where nothing else would encode it.
  return `/users?$filter=id%20in%20(${list})&$select=${select.join(',')}`;
}

/**
 * User properties a userName can come from that Graph filters with `eq` as a plain query (the user resource's
 * `$filter` support; no ConsistencyLevel header needed).
 */
const FILTERABLE_USER_NAME_SOURCES: ReadonlySet<string> = new Set(['userPrincipalName', 'mail', 'employeeId', 'onPremisesSamAccountName']);

/**
 * The user property to look a userName up by: the mapping's userName source when Graph can filter on it. A nested
 * source (`onPremisesExtensionAttributes.extensionAttribute1`) or another property needs Graph's advanced queries
 * or cannot be filtered at all, so those look the userName up as a userPrincipalName, the default source.
 */
export function userNameProperty(mapping: Pick<EntraMapping, 'userName'>): string {
  return mapping.userName !== undefined && FILTERABLE_USER_NAME_SOURCES.has(mapping.userName) ? mapping.userName : 'userPrincipalName';
}

/**
 * `/users?$filter=<property> eq '<value>'`: single quotes doubled as OData string literals need, then the
 * literal percent-encoded whole, because the Graph SDK sends a query string as it is given.
 */
export function userLookupUrl(property: string, value: string, select: readonly string[]): string {
  const literal = encodeURIComponent(`'${value.replace(/'/g, "''")}'`);
  return `/users?$filter=${property}%20eq%20${literal}&$select=${select.join(',')}`;
}

/** Reads one chunk of up to 300 ids; a failed item (after the client's own retries of throttling) throws. */
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
      // Avoid an unhandled rejection while an earlier batch is still being consumed; it rethrows when awaited.
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
