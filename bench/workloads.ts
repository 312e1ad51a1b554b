import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { SeedSample } from './seed.js';

/**
 * The SCIM workloads. Each HTTP workload is one autocannon run whose requests vary: `setupRequest` asks the
 * workload for request k (a shared counter), so lookups rotate through 20,000 seeded members spread over the
 * whole table instead of hitting one cached row, POSTs carry unique userNames, and PATCHes rotate over ids.
 *
 * Load shape (see DEFAULT_LOAD): 2 cores, one for autocannon (this process) and one for the server (its own
 * process); PostgreSQL's backend shares them. Pipelining 1, as IdPs send one request at a time per connection.
 */

export interface Target {
  /** http://127.0.0.1:PORT */
  url: string;
  /** e.g. /scim/v2/organizations/bench */
  basePath: string;
  token: string;
}

export interface LoadSettings {
  /** Measured seconds. */
  duration: number;
  /** Unmeasured seconds first: JIT, database caches, connection pool. */
  warmup: number;
  connections: number;
  pipelining: number;
}

export const DEFAULT_LOAD: LoadSettings = { duration: 10, warmup: 2, connections: 32, pipelining: 1 };

export type WorkloadKind = 'ceiling' | 'lookup' | 'post' | 'patch';

export interface NextRequest {
  path: string;
  body?: string;
}

export interface HttpWorkload {
  key: string;
  label: string;
  kind: WorkloadKind;
  method: 'GET' | 'POST' | 'PATCH';
  /** Request k of the rotation (k = calls so far). */
  next(): NextRequest;
  /** Checks the probe response sent before the run; returns what is wrong, or null. */
  check(status: number, body: unknown, request: NextRequest): string | null;
  /** Printed with the results, e.g. whether PATCHes are real writes. */
  note?: string;
}

export interface LoadResult {
  key: string;
  label: string;
  kind: WorkloadKind;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** First few non-2xx bodies, so a failing run shows why. */
  errorSamples: string[];
  /** The probe request's problem, or null when it looked right. */
  probe: string | null;
  note?: string;
}

export function scimHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' };
}

/** One autocannon run of `workload` against `url`: a probe request, a warm-up, then the measured run. */
export async function runLoad(url: string, headers: Record<string, string>, workload: HttpWorkload, settings: LoadSettings): Promise<LoadResult> {
  const probe = await probeOnce(url, headers, workload);
  const errorSamples: string[] = [];
  const request: autocannon.Request = {
    method: workload.method,
    setupRequest: (req) => {
      const next = workload.next();
      req.method = workload.method;
      req.path = next.path;
      if (next.body !== undefined) req.body = next.body;
      return req;
    },
    onResponse: (status, body) => {
      if ((status < 200 || status > 299) && errorSamples.length < 3) errorSamples.push(`${status} ${body.slice(0, 300)}`);
    },
  };
  const options = { url, headers, connections: settings.connections, pipelining: settings.pipelining, timeout: 10, requests: [request] };
  if (settings.warmup > 0) await autocannon({ ...options, duration: settings.warmup });
  const result = await autocannon({ ...options, duration: settings.duration });
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(count);
  const total = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
    key: workload.key,
    label: workload.label,
    kind: workload.kind,
    seconds: result.duration,
    requests: total,
    requestsPerSecond: total / result.duration,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    errorSamples,
    probe,
    ...(workload.note ? { note: workload.note } : {}),
  };
}

async function probeOnce(url: string, headers: Record<string, string>, workload: HttpWorkload): Promise<string | null> {
  const request = workload.next();
  try {
    const response = await fetch(url + request.path, { method: workload.method, headers, ...(request.body !== undefined ? { body: request.body } : {}) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: check() sees the text
    }
    const problem = workload.check(response.status, body, request);
    return problem === null ? null : `${problem} (got ${response.status} ${text.slice(0, 300)})`;
  } catch (error) {
    return `probe failed: ${(error as Error).message}`;
  }
}

// ---------------------------------------------------------------------------------------------- workloads

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {});

export function ceilingWorkload(): HttpWorkload {
  let k = 0;
  return {
    key: 'ceiling',
    label: 'ceiling: Fastify constant JSON',
    kind: 'ceiling',
    method: 'GET',
    // A varying query string, so autocannon rebuilds every request exactly as it does for the SCIM workloads.
    next: () => ({ path: `/ping?i=${k++}` }),
    check: (status) => (status === 200 ? null : 'expected 200'),
  };
}

function lookupWorkload(key: string, label: string, base: string, attribute: 'userName' | 'externalId', values: string[]): HttpWorkload {
  let k = 0;
  return {
    key,
    label,
    kind: 'lookup',
    method: 'GET',
    next: () => {
      const value = values[k++ % values.length]!;
      return { path: `${base}/Users?filter=${encodeURIComponent(`${attribute} eq "${value}"`)}` };
    },
    check: (status, body, request) => {
      const list = asObject(body);
      const wanted = decodeURIComponent(request.path).match(/eq "(.*)"$/)?.[1];
      const first = asObject((list.Resources as unknown[] | undefined)?.[0]);
      if (status !== 200) return 'expected 200';
      if (list.totalResults !== 1) return `expected totalResults 1, got ${String(list.totalResults)}`;
      return first[attribute] === wanted ? null : `expected the ${attribute} asked for`;
    },
  };
}

export const userNameLookup = (base: string, sample: SeedSample) =>
  lookupWorkload('lookup-userName', 'GET /Users?filter=userName eq', base, 'userName', sample.userNames);

export const externalIdLookup = (base: string, sample: SeedSample) =>
  lookupWorkload('lookup-externalId', 'GET /Users?filter=externalId eq', base, 'externalId', sample.externalIds);

export function getById(base: string, sample: SeedSample): HttpWorkload {
  let k = 0;
  return {
    key: 'get-by-id',
    label: 'GET /Users/{id}',
    kind: 'lookup',
    method: 'GET',
    next: () => ({ path: `${base}/Users/${sample.ids[k++ % sample.ids.length]!}` }),
    check: (status, body, request) =>
      status !== 200 ? 'expected 200' : request.path.endsWith(`/${String(asObject(body).id)}`) ? null : 'expected the User asked for',
  };
}

/** Entra's create body (fixture post-user-enterprise-meta-roles.json): unique userName and externalId per request. */
export function postUser(base: string): HttpWorkload {
  const run = randomUUID().slice(0, 8);
  let k = 0;
  return {
    key: 'post',
    label: 'POST /Users (Entra body)',
    kind: 'post',
    method: 'POST',
    next: () => {
      const n = k++;
      const userName = `new-${run}-${n}@bench.example`;
      const body = {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
        externalId: `${run}-${String(n).padStart(8, '0')}-4f38-8e61-3a9d0f7b2c15`,
        userName,
        active: true,
        emails: [{ primary: true, type: 'work', value: userName }],
        meta: { resourceType: 'User' },
        name: { formatted: `New Hire ${n}`, familyName: `Hire ${n}`, givenName: 'New' },
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: String(40_000 + n), department: 'Finance' },
        roles: [],
      };
      return { path: `${base}/Users`, body: JSON.stringify(body) };
    },
    check: (status, body) => (status === 201 && typeof asObject(body).id === 'string' ? null : 'expected 201 with the new User'),
    note: 'every POST creates a new member (unique userName and externalId)',
  };
}

/**
 * PATCH active over `ids`: request k targets ids[k mod m] and sets active to false on even passes over the
 * list and back to true on odd ones, so (all seeded members being active) every request is a real write.
 */
function patchActive(key: string, label: string, base: string, ids: string[], form: 'entra' | 'rfc'): HttpWorkload {
  let k = 0;
  const valueFor = (n: number) => Math.floor(n / ids.length) % 2 === 1;
  return {
    key,
    label,
    kind: 'patch',
    method: 'PATCH',
    next: () => {
      const n = k++;
      const active = valueFor(n);
      const op =
        form === 'entra'
          ? { op: 'Replace', path: 'active', value: active ? 'True' : 'False' }
          : { op: 'replace', path: 'active', value: active };
      return { path: `${base}/Users/${ids[n % ids.length]!}`, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [op] }) };
    },
    check: (status, body, request) => {
      if (status !== 200) return 'expected 200 with the User';
      const sent = JSON.parse(request.body!) as { Operations: { value: unknown }[] };
      const expected = String(sent.Operations[0]!.value).toLowerCase() === 'true';
      return asObject(body).active === expected ? null : `expected active ${expected} (a boolean), got ${JSON.stringify(asObject(body).active)}`;
    },
    note: `rotates over ${ids.length} ids, alternating false/true per pass: every request is a real write`,
  };
}

export const patchEntra = (base: string, ids: string[]) =>
  patchActive('patch-entra', 'PATCH active "False" (Entra: Replace)', base, ids, 'entra');

export const patchRfc = (base: string, ids: string[]) =>
  patchActive('patch-rfc', 'PATCH active false (RFC: replace)', base, ids, 'rfc');

// ------------------------------------------------------------------------------------ big group PATCH

export interface GroupPatchResult {
  members: number;
  /** Seconds for each PATCH adding all members to an empty group. */
  addSeconds: number[];
  /** Seconds for each PATCH removing them all again. */
  removeSeconds: number[];
  problems: string[];
}

/**
 * Create a group, then time ONE PATCH adding every id (Entra's form: op "Add", path "members", a value array),
 * check the group holds them, and time ONE PATCH removing them (Entra's value-array removal). `repeats` times,
 * each with a new group. Plain fetch, one request at a time.
 */
export async function runGroupPatch(target: Target, ids: string[], repeats = 3): Promise<GroupPatchResult> {
  const headers = scimHeaders(target.token);
  const base = target.url + target.basePath;
  const result: GroupPatchResult = { members: ids.length, addSeconds: [], removeSeconds: [], problems: [] };
  const patchBody = (op: 'Add' | 'Remove') =>
    JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op, path: 'members', value: ids.map((value) => ({ value })) }],
    });
  const addBody = patchBody('Add');
  const removeBody = patchBody('Remove');
  for (let rep = 0; rep < repeats; rep++) {
    const created = await fetch(`${base}/Groups`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], externalId: randomUUID(), displayName: `Bench group ${rep} ${randomUUID().slice(0, 8)}`, members: [] }),
    });
    const group = asObject(await created.json().catch(() => null));
    if (created.status !== 201 || typeof group.id !== 'string') {
      result.problems.push(`group create: ${created.status} ${JSON.stringify(group).slice(0, 300)}`);
      break;
    }
    const url = `${base}/Groups/${group.id}`;
    const timed = async (body: string, what: string): Promise<number> => {
      const started = performance.now();
      const response = await fetch(url, { method: 'PATCH', headers, body });
      const text = await response.text();
      const seconds = (performance.now() - started) / 1000;
      if (response.status < 200 || response.status > 299) result.problems.push(`${what}: ${response.status} ${text.slice(0, 300)}`);
      return seconds;
    };
    result.addSeconds.push(await timed(addBody, `PATCH add ${ids.length}`));
    const count = await memberCount(url, headers);
    if (count !== ids.length) result.problems.push(`after the add the group has ${count} members, expected ${ids.length}`);
    result.removeSeconds.push(await timed(removeBody, `PATCH remove ${ids.length}`));
    const after = await memberCount(url, headers);
    if (after !== 0) result.problems.push(`after the remove the group has ${after} members, expected 0`);
  }
  return result;
}

async function memberCount(url: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, { headers });
  const body = asObject(await response.json().catch(() => null));
  return Array.isArray(body.members) ? body.members.length : 0;
}
