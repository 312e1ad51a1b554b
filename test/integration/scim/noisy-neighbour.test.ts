import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heavyLoops } from '../../../bench/noisy-neighbour/heavy-requests.js';
import { runNeighbours, type NeighbourRun } from '../../../bench/noisy-neighbour/neighbour-run.js';
import { percentile } from '../../../bench/noisy-neighbour/percentile.js';
import { seedWorkspace } from '../../../bench/seed.js';
import { DEFAULT_SCIM_BUDGETS, type ScimBudgets } from '../../../src/scim/scim-budgets.js';
import { scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { userBody } from './scim-kit.js';

/**
 * One tenant sends, concurrently and over and over, the heaviest request each budget allows; another tenant's reads
 * by id keep working meanwhile. Real sockets, so the requests really interleave. Timing is asserted loosely (p99
 * under a second); the benchmark (bench/noisy-neighbour-bench.ts) measures it at full size.
 */

/** A few thousand rows: the group budget is lowered to fit them, every other budget is the default. */
const USERS = 3_000;
const BUDGETS: ScimBudgets = { ...DEFAULT_SCIM_BUDGETS, groupMembers: 1_000 };
const MAX_COUNT = 1_000;
const ITERATIONS = 3;

describe.each(DIALECTS)('a noisy neighbour on %s', (dialect) => {
  let gw: TestGateway;
  let url: string;
  let run: NeighbourRun;

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { scim: { maxCount: MAX_COUNT, budgets: BUDGETS } });
    const seeded = await seedWorkspace(gw.db.store, { members: USERS, workspaceId: 'noisy-a', sampleSize: 10, groupMembers: BUDGETS.groupMembers });
    const quiet = await gw.workspace({ id: 'quiet-b', version: 'v2' });
    const quietClient = scimClient(gw.app, quiet.base, quiet.token);
    const quietIds: string[] = [];
    for (let i = 0; i < 10; i++) quietIds.push((await quietClient.post('/Users', userBody(`quiet${i}@b.example`))).body.id as string);
    const noisyClient = scimClient(gw.app, '/scim/v2/organizations/noisy-a', seeded.token);
    const group = await noisyClient.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Everyone' });
    expect(group.status).toBe(201);

    await gw.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}/scim/v2/organizations`;
    const target = { userId: seeded.sample.ids[0]!, groupId: group.body.id as string, memberIds: seeded.groupMemberIds, rows: USERS };
    run = await runNeighbours({
      noisy: { base: `${url}/noisy-a`, token: seeded.token, loops: heavyLoops(target, BUDGETS, MAX_COUNT) },
      quiet: { base: `${url}/quiet-b`, token: quiet.token, userIds: quietIds },
      stop: { iterations: ITERATIONS },
    });
  });
  afterAll(() => gw?.close());

  /** What the run did, for whoever reads the log (not asserted: timings depend on the machine). */
  const summary = () =>
    [`quiet GET by id: ${run.quiet.length} reads, p50 ${percentile(run.quiet.map((r) => r.ms), 50).toFixed(1)} ms, p99 ${percentile(run.quiet.map((r) => r.ms), 99).toFixed(1)} ms`]
      .concat([...run.noisy].map(([loop, rs]) => `noisy ${loop}: ${rs.length} requests, statuses ${[...new Set(rs.map((r) => r.status))].join('/')}, max ${Math.max(...rs.map((r) => r.ms)).toFixed(0)} ms`))
      .join('\n');

  it("answers every read of the quiet tenant, within a second, while the noisy one runs its heaviest requests", () => {
    console.info(`${dialect}:\n${summary()}`);
    const statuses = run.quiet.map((r) => r.status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(percentile(run.quiet.map((r) => r.ms), 99)).toBeLessThan(1_000);
  });

  it('answers the noisy tenant too: each heavy request succeeds, or waits its turn with 429, never a 5xx', () => {
    for (const [loop, results] of run.noisy) {
      expect(results.length, loop).toBeGreaterThan(0);
      expect(results.filter((r) => !(r.status < 300 || r.status === 429)).map((r) => `${loop}: ${r.status}`)).toEqual([]);
    }
  });
});
