import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssignmentIndex, assignmentsUrl, readAssignments } from '../../connectors/entra/entra-assignments.js';
import { createGraphClient, GraphReader } from '../../connectors/entra/entra-client.js';
import { entraConfigSchema, type EntraConfig } from '../../connectors/entra/entra-config.js';
import { createCredential } from '../../connectors/entra/entra-credential.js';
import { FakeGraph } from '../fake/graph/index.js';

/** The fake Graph and a binding's settings pointing at it (no retries: a fault fails the read at once). */
function graphConfig(graph: FakeGraph): EntraConfig {
  return entraConfigSchema.parse({
    tenantId: graph.tenantId,
    clientId: graph.clientId,
    credentials: { type: 'clientSecret', clientSecret: graph.clientSecret },
    servicePrincipalId: graph.directory.servicePrincipal.id,
    graphBaseUrl: graph.origin,
    authorityHost: graph.origin,
    requestTimeoutMs: 2_000,
    maxRetries: 0,
  });
}

/**
 * GraphReader.pages requests the next page as soon as one arrives, so Graph's latency overlaps the caller's
 * work, and still hands pages over in order, failing where the failed page would have been.
 */
describe('Graph paging with one request ahead', () => {
  const graph = new FakeGraph();
  let config: EntraConfig;
  beforeAll(async () => {
    await graph.start();
    config = graphConfig(graph);
  });
  afterAll(() => graph.stop());
  beforeEach(() => {
    graph.reset();
    graph.pageSizeCap = 10;
    for (let n = 0; n < 35; n++) {
      const id = `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
      graph.directory.addUser({ id, userPrincipalName: `user${n}@contoso.com`, accountEnabled: true });
      graph.directory.assign(id, 'User', graph.directory.appRole('Editor').id);
    }
  });

  const reader = () => new GraphReader(createGraphClient(config, createCredential(config)), config.maxRetries);
  const url = () => assignmentsUrl({ servicePrincipalPath: `servicePrincipals/${graph.directory.servicePrincipal.id}`, pageSize: 10, transitiveGroups: false });
  const listRequests = () => graph.requests.filter((r) => /appRoleAssignedTo/i.test(r.url)).length;

  it('has the next page on its way while the caller handles the current one, and yields every page in order', async () => {
    const seen: string[] = [];
    const inFlightWhileHandling: number[] = [];
    let page = 0;
    for await (const items of reader().pages<{ principalId: string }>(url())) {
      page++;
      // The caller is slow; the request for the next page reaches the fake meanwhile.
      const deadline = Date.now() + 2_000;
      while (page < 4 && listRequests() <= page && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      inFlightWhileHandling.push(listRequests() - page);
      seen.push(...items.map((a) => a.principalId));
    }
    expect(page).toBe(4);
    // One request ahead for each page but the last, never more.
    expect(inFlightWhileHandling).toEqual([1, 1, 1, 0]);
    expect(seen).toHaveLength(35);
    expect(new Set(seen).size).toBe(35);
  });

  it('yields the pages before a failed one, then throws there', async () => {
    graph.injectFault({ status: 500, count: 1, afterRequests: 1 });
    const pages: number[] = [];
    await expect(
      (async () => {
        for await (const items of reader().pages<unknown>(url())) pages.push(items.length);
      })(),
    ).rejects.toMatchObject({ status: 500 });
    expect(pages).toEqual([10]);
  });
});

describe('assigned groups read several at once', () => {
  const graph = new FakeGraph();
  let config: EntraConfig;
  beforeAll(async () => {
    await graph.start();
    config = graphConfig(graph);
    graph.pageSizeCap = 5;
    const roles = ['Admin', 'Editor', 'Viewer'].map((r) => graph.directory.appRole(r).id);
    const user = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
    for (let n = 0; n < 40; n++) graph.directory.addUser({ id: user(n), userPrincipalName: `user${n}@contoso.com`, accountEnabled: true });
    // Six groups with overlapping members (a user is in up to three), of several pages each.
    for (let g = 0; g < 6; g++) {
      const id = `10000000-0000-0000-0000-${String(g).padStart(12, '0')}`;
      graph.directory.addGroup(id, `Group ${g}`, Array.from({ length: 40 }, (_, n) => n).filter((n) => n % 6 === g || n % 7 === g || n % 11 === g).map(user));
      graph.directory.assign(id, 'Group', roles[g % 3]!);
    }
  });
  afterAll(() => graph.stop());

  const read = async (concurrency: number) => {
    const index = new AssignmentIndex();
    const reader = new GraphReader(createGraphClient(config, createCredential(config)), 0);
    await readAssignments(reader, { servicePrincipalPath: `servicePrincipals/${graph.directory.servicePrincipal.id}`, pageSize: 5, transitiveGroups: false, concurrency }, index);
    return index;
  };

  it('gives every user the same grants, in the same order, as reading them one group at a time', async () => {
    const one = await read(1);
    const four = await read(4);
    expect(one.grants.size).toBeGreaterThan(30);
    expect([...four.grants.entries()]).toEqual([...one.grants.entries()]);
    expect([...one.grants.values()].some((grants) => grants.length >= 2)).toBe(true);
  });

  it('fails as a whole when one group cannot be read', async () => {
    graph.injectFault({ status: 500, count: 1, afterRequests: 3, scope: /\/members$/i });
    await expect(read(4)).rejects.toMatchObject({ status: 500, operation: 'groupMembers' });
  });
});
