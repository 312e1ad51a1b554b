import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { cpuSnapshot, cpuUsageSince, waitForQuiet, type CpuUsage } from './server-process.js';
import type { SeedSample } from './seed.js';

/**
 * The SCIM workloads. Each HTTP workload is one autocannon run whose requests vary, so lookups rotate through
 * 20,000 seeded members spread over the whole table instead of hitting one cached row, POSTs carry unique
 * userNames, and PATCHes rotate over thousands of ids.
 *
 * How requests vary: a rotating workload pre-builds one request list per connection (autocannon's
 * `setupClient` + `client.setRequests`), each connection owning a disjoint slice of the sample, and the client
 * cycles through its list. That keeps the load generator's cost per request as low as for a constant request
 * (`setupRequest` re-encodes every request, which measurably costs the generator throughput on this 2-core
 * machine) and, for PATCH, guarantees that one member is only ever written by one connection, in order.
 * POST needs an unbounded supply of unique userNames, so it uses `setupRequest` (at POST rates the
 * generator is nowhere near its limit).
 *
 * Load shape (DEFAULT_LOAD): one core for autocannon (this process), one for the server (its own process);
 * PostgreSQL's backends share them. 32 connections, pipelining 1 (IdPs send one request at a time per
 * connection; pipelining would flatter nothing but the HTTP parser). 32 connections keep the server's queue
 * non-empty without turning p99 into pure queueing: at 8,000 req/s Little's law gives a 4 ms mean.
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
export type Phase = 'warmup' | 'measure';

export interface NextRequest {
  path: string;
  body?: string;
}

export interface HttpWorkload {
  key: string;
  label: string;
  kind: WorkloadKind;
  method: 'GET' | 'POST' | 'PATCH';
  /** The one request sent (with fetch) and checked before the run. */
  probe(): NextRequest;
  /** Connection c's requests in a phase, which it sends in order and then cycles through again. */
  rotation?(phase: Phase, connection: number, connections: number): NextRequest[];
  /** Otherwise: the next request, asked for each request (setupRequest). */
  next?(): NextRequest;
  /** Checks the probe's response; returns what is wrong, or null. */
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
  /** CPU use during the measured run, in % of one core: the server, this process (the load generator), the rest. */
  cpu: CpuUsage;
  /** Before the measured run: how long it waited for other jobs on the machine to go quiet, and whether they did. */
  quiet: { waitedMs: number; quiet: boolean; busyPercent: number };
  note?: string;
}

export function scimHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' };
}

export interface RunHooks {
  /** Called between the warm-up and the measured run (e.g. to read database counters). */
  beforeMeasure?: () => Promise<void>;
  /** The server's pid, for its CPU use. */
  serverPid: number;
  /** Longest wait for a quiet machine before the measured run (0: don't wait). */
  quietWaitMs?: number;
}

/** One autocannon run of `workload` against `url`: a probe request, a warm-up, then the measured run. */
export async function runLoad(url: string, headers: Record<string, string>, workload: HttpWorkload, settings: LoadSettings, hooks: RunHooks): Promise<LoadResult> {
  const probe = await probeOnce(url, headers, workload);
  const errorSamples: string[] = [];
  const onResponse = (status: number, body: string) => {
    if ((status < 200 || status > 299) && errorSamples.length < 3) errorSamples.push(`${status} ${body.slice(0, 300)}`);
  };
  const optionsFor = (phase: Phase, duration: number): autocannon.Options => {
    const base = {
      url,
      headers,
      connections: settings.connections,
      pipelining: settings.pipelining,
      timeout: 10,
      duration,
    };
    if (workload.rotation) {
      let connection = 0;
      return {
        ...base,
        method: workload.method,
        requests: [{ method: workload.method, path: '/' }],
        setupClient: (client) => {
          const c = connection++ % settings.connections;
          client.setRequests(workload.rotation!(phase, c, settings.connections).map((r) => ({ method: workload.method, ...r, onResponse })));
        },
      };
    }
    const next = workload.next!;
    return {
      ...base,
      requests: [
        {
          method: workload.method,
          setupRequest: (req) => {
            const request = next();
            req.method = workload.method;
            req.path = request.path;
            if (request.body !== undefined) req.body = request.body;
            return req;
          },
          onResponse,
        },
      ],
    };
  };
  if (settings.warmup > 0) await autocannon(optionsFor('warmup', settings.warmup));
  const quiet = await waitForQuiet(hooks.quietWaitMs ?? 0);
  await hooks.beforeMeasure?.();
  const cpuBefore = cpuSnapshot(hooks.serverPid);
  const result = await autocannon(optionsFor('measure', settings.duration));
  const cpu = cpuUsageSince(cpuBefore);
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
    cpu,
    quiet,
    ...(workload.note ? { note: workload.note } : {}),
  };
}

async function probeOnce(url: string, headers: Record<string, string>, workload: HttpWorkload): Promise<string | null> {
  const request = workload.probe();
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

/** Connection c's share of `items`: every connections-th item starting at c. */
function slice<T>(items: readonly T[], c: number, connections: number): T[] {
  const out: T[] = [];
  for (let i = c; i < items.length; i += connections) out.push(items[i]!);
  return out.length > 0 ? out : [items[c % items.length]!];
}

export function ceilingWorkload(): HttpWorkload {
  const paths = Array.from({ length: 20_000 }, (_, i) => ({ path: `/ping?i=${i}` }));
  return {
    key: 'ceiling',
    label: 'ceiling: Fastify constant JSON',
    kind: 'ceiling',
    method: 'GET',
    probe: () => paths[0]!,
    // Rotating paths, delivered exactly as the SCIM lookups are.
    rotation: (_phase, c, n) => slice(paths, c, n),
    check: (status) => (status === 200 ? null : 'expected 200'),
  };
}

function lookupWorkload(key: string, label: string, base: string, attribute: 'userName' | 'externalId', values: string[]): HttpWorkload {
  const requests = values.map((value) => ({ path: `${base}/Users?filter=${encodeURIComponent(`${attribute} eq "${value}"`)}` }));
  return {
    key,
    label,
    kind: 'lookup',
    method: 'GET',
    probe: () => requests[requests.length >> 1]!,
    rotation: (_phase, c, n) => slice(requests, c, n),
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
  const requests = sample.ids.map((id) => ({ path: `${base}/Users/${id}` }));
  return {
    key: 'get-by-id',
    label: 'GET /Users/{id}',
    kind: 'lookup',
    method: 'GET',
    probe: () => requests[requests.length >> 1]!,
    rotation: (_phase, c, n) => slice(requests, c, n),
    check: (status, body, request) =>
      status !== 200 ? 'expected 200' : request.path.endsWith(`/${String(asObject(body).id)}`) ? null : 'expected the User asked for',
  };
}

/** Entra's create body (fixture post-user-enterprise-meta-roles.json): unique userName and externalId per request. */
export function postUser(base: string): HttpWorkload {
  const run = randomUUID().slice(0, 8);
  let k = 0;
  const next = (): NextRequest => {
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
  };
  return {
    key: 'post',
    label: 'POST /Users (Entra body)',
    kind: 'post',
    method: 'POST',
    probe: next,
    next,
    check: (status, body) => (status === 201 && typeof asObject(body).id === 'string' ? null : 'expected 201 with the new User'),
    note: 'every POST creates a new member (unique userName and externalId)',
  };
}

/**
 * PATCH active. The probe deactivates ids[0]; the warm-up uses the next fifth of the ids and the measured run
 * the rest, so every phase starts on members that are still active. Each connection owns its slice and sends
 * active=false for each of its members, then active=true for each, and cycles: every request is a real write.
 */
function patchActive(key: string, label: string, base: string, ids: string[], form: 'entra' | 'rfc'): HttpWorkload {
  const request = (id: string, active: boolean): NextRequest => {
    const op = form === 'entra' ? { op: 'Replace', path: 'active', value: active ? 'True' : 'False' } : { op: 'replace', path: 'active', value: active };
    return { path: `${base}/Users/${id}`, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [op] }) };
  };
  const warmupEnd = 1 + Math.floor((ids.length - 1) / 5);
  const phaseIds = { warmup: ids.slice(1, warmupEnd), measure: ids.slice(warmupEnd) };
  return {
    key,
    label,
    kind: 'patch',
    method: 'PATCH',
    probe: () => request(ids[0]!, false),
    rotation: (phase, c, n) => {
      const mine = slice(phaseIds[phase], c, n);
      return [...mine.map((id) => request(id, false)), ...mine.map((id) => request(id, true))];
    },
    check: (status, body, sent) => {
      if (status !== 200) return 'expected 200 with the User';
      const op = (JSON.parse(sent.body!) as { Operations: { value: unknown }[] }).Operations[0]!;
      const expected = String(op.value).toLowerCase() === 'true';
      return asObject(body).active === expected ? null : `expected active ${expected} (a boolean), got ${JSON.stringify(asObject(body).active)}`;
    },
    note: `${phaseIds.measure.length} ids, each connection alternating false/true over its own: every request is a real write`,
  };
}

/** PATCH title to a value never sent before, round-robin over `ids`: every request is a real write (one member.updated event). */
export function patchTitle(base: string, ids: readonly string[]): HttpWorkload {
  const run = randomUUID().slice(0, 8);
  let k = 0;
  const next = (): NextRequest => {
    const n = k++;
    const op = { op: 'replace', path: 'title', value: `title ${run}-${n}` };
    return { path: `${base}/Users/${ids[n % ids.length]!}`, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [op] }) };
  };
  return {
    key: 'patch-title',
    label: 'PATCH title (a new value each time)',
    kind: 'patch',
    method: 'PATCH',
    probe: next,
    next,
    check: (status, body, sent) => {
      if (status !== 200) return 'expected 200 with the User';
      const value = (JSON.parse(sent.body!) as { Operations: { value: unknown }[] }).Operations[0]!.value;
      return asObject(body).title === value ? null : `expected title ${JSON.stringify(value)}`;
    },
    note: `${ids.length} ids in turn, each request a new title: every request is a real write`,
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
