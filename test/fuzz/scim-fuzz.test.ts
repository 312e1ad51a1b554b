import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimClient, startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { DIALECTS, type TestDialect } from '../support/test-store.js';
import { edgeRequests } from './edge-requests.js';
import { FailureClasses } from './failure-classes.js';
import { GROUP_URN, USER_URN } from './fuzz-bodies.js';
import { fuzzRequest, oversizeRequest, type FuzzRequest, type FuzzWorkspace } from './fuzz-request.js';
import { responseProblems } from './response-problems.js';
import { serverErrorLog, type ServerErrorLog } from './server-error-log.js';
import { storeFingerprint } from './store-fingerprint.js';

/**
 * Malformed SCIM requests against the real gateway: no answer may be a 5xx, every 4xx is a SCIM Error body, and a
 * request that fails changes nothing in either workspace. The requests come from a fixed seed (FUZZ_SEED
 * overrides it; FUZZ_RUNS and FUZZ_RUNS_POSTGRES the counts; FUZZ_REPORT=<file> also writes the failures there).
 * Every run first sends the same extremes (edge-requests.ts: each budget's limit, under, at, over and far past
 * it). Failures are grouped by status and cause, each with the endpoints it was seen on and its shortest request.
 */

/** An integer from the environment, or the default; anything else stops the suite with the variable's name. */
function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name}: expected an integer, got "${raw}"`);
  return value;
}

const SEED = intFromEnv('FUZZ_SEED', 76_432_026);
const RUNS: Record<TestDialect, number> = { sqlite: intFromEnv('FUZZ_RUNS', 10_000), postgres: intFromEnv('FUZZ_RUNS_POSTGRES', 1_000) };
/** Requests generated at a time, from seed SEED + batch number: big bodies are not all held at once. */
const BATCH = 250;
/** After how many requests a read-only run is checked against the store, besides after every write. */
const CHECK_EVERY = 100;
const BODY_LIMIT = 8 * 1024 * 1024;

/** Five users and two groups, the first with three of them, made through SCIM. */
async function seedWorkspace(gw: TestGateway, input: Parameters<TestGateway['workspace']>[0]): Promise<FuzzWorkspace> {
  const id = input.id;
  const ws = await gw.workspace(input);
  const client = scimClient(gw.app, ws.base, ws.token);
  const userIds: string[] = [];
  for (let i = 0; i < 5; i++) {
    const created = await client.post('/Users', { schemas: [USER_URN], userName: `seed${i}@${id}.example`, externalId: `ext-${i}`, emails: [{ value: `seed${i}@${id}.example`, type: 'work', primary: true }], active: true });
    expect(created.status).toBe(201);
    userIds.push(created.body.id as string);
  }
  const groupIds: string[] = [];
  for (const [name, members] of [['Seeded', userIds.slice(0, 3)], ['Empty', []]] as const) {
    const created = await client.post('/Groups', { schemas: [GROUP_URN], displayName: name, members: members.map((value) => ({ value })) });
    expect(created.status).toBe(201);
    groupIds.push(created.body.id as string);
  }
  return { id, base: ws.base, token: ws.token, userIds, groupIds };
}

/** A 4xx's detail, if its body has one. */
const detailOf = (body: string): string | undefined => {
  try {
    const detail = (JSON.parse(body) as { detail?: unknown }).detail;
    return typeof detail === 'string' ? detail : undefined;
  } catch {
    return undefined;
  }
};

const requestIdIn = (body: string) => /request id ([0-9a-f-]+)/.exec(body)?.[1] ?? '';

describe.each(DIALECTS)('SCIM fuzz on %s', (dialect) => {
  let gw: TestGateway;
  let errors: ServerErrorLog;
  let a: FuzzWorkspace;
  let b: FuzzWorkspace;

  beforeAll(async () => {
    errors = serverErrorLog();
    gw = await startTestGateway(dialect, {}, { log: errors.logger });
    // Two kinds of workspace, so both policies see the requests: V2 (roles), and V1 with seat capacities, removal on
    // deactivation and groups as projects.
    a = await seedWorkspace(gw, { id: 'fuzz-a', version: 'v2' });
    b = await seedWorkspace(gw, { id: 'fuzz-b', version: 'v1', policy: { defaultSeatType: 'starter', seats: { starter: 8, builder: 1 }, deprovision: 'remove', groups: { mode: 'projects', projectRole: 'editor', displayNamePrefix: '[SCIM] ' } } });
  });
  afterAll(() => gw?.close());

  it(`answers ${RUNS[dialect].toLocaleString('en-US')} malformed requests without a 5xx, with SCIM errors, and changes nothing when one fails`, { timeout: 300_000 }, async () => {
    const failures = new FailureClasses();
    const fingerprint = () => storeFingerprint(gw.db.store.db, [a.id, b.id]);
    let known = await fingerprint();
    let sent = 0;
    const statuses = new Map<number, number>();

    const send = async (request: FuzzRequest) => {
      const response = await gw.app.inject({ method: request.method, url: request.url, headers: request.headers, ...(request.payload !== undefined ? { payload: request.payload } : {}) });
      sent++;
      const status = response.statusCode;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const contentType = response.headers['content-type'];
      const problems = responseProblems({ status, contentType: typeof contentType === 'string' ? contentType : undefined, body: response.body });
      if (problems.length > 0) {
        const cause = status >= 500 ? errors.errorOf(requestIdIn(response.body)) : detailOf(response.body);
        failures.add({ request, status, problem: problems.join('; '), ...(cause ? { cause } : {}) });
      }
      const write = request.method !== 'GET';
      if (!write && sent % CHECK_EVERY !== 0) return;
      const now = await fingerprint();
      // A 2xx write changes the store as it may; anything else must leave it as it was.
      if (now !== known && !(write && status < 300)) failures.add({ request, status, problem: 'the store changed although the request failed (or only read)' });
      known = now;
    };

    try {
      await send(oversizeRequest(a, BODY_LIMIT));
      for (const request of edgeRequests(a)) await send(request);
      for (let batch = 0; sent < RUNS[dialect]; batch++) {
        const requests = fc.sample(fuzzRequest(a, b), { seed: SEED + batch, numRuns: Math.min(BATCH, RUNS[dialect] - sent) });
        for (const request of requests) await send(request);
      }
    } catch (error) {
      throw new Error(`FUZZ_SEED=${SEED} on ${dialect}: the run stopped after ${sent} requests`, { cause: error });
    }

    // What the run exercised, for whoever reads the log: mostly 4xx, some 2xx by chance.
    console.info(`fuzz on ${dialect}, seed ${SEED}: ${sent} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([x], [y]) => x - y)))}`);
    if (failures.size > 0) {
      const report = `FUZZ_SEED=${SEED} on ${dialect}: ${failures.total} failures of ${sent} requests in ${failures.size} classes\n${failures.report()}\n`;
      if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, report);
      expect.fail(report);
    }
  });
});
