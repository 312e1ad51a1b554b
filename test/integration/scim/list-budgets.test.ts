import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { isScimError, userBody, type Scim } from './scim-kit.js';

const USERS = 12;

describe.each(DIALECTS)('list responses within their budgets on %s', (dialect) => {
  let gw: TestGateway;
  let scim: Scim;
  let other: Scim;

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { scim: { budgets: { responseBytes: 2_500, heavyRequestsPerWorkspace: 1, heavyRequestQueue: 0 } } });
    const acme = await gw.workspace({ id: 'acme', version: 'v2' });
    const globex = await gw.workspace({ id: 'globex', version: 'v2' });
    scim = scimClient(gw.app, acme.base, acme.token);
    other = scimClient(gw.app, globex.base, globex.token);
    for (let i = 0; i < USERS; i++) expect((await scim.post('/Users', userBody(`user${String(i).padStart(2, '0')}@acme.example`))).status).toBe(201);
    expect((await other.post('/Users', userBody('gus@globex.example'))).status).toBe(201);
  });
  afterAll(() => gw.close());

  it('ends a page before the resource that would take it past responseBytes, and paging still reaches every resource once', async () => {
    const seen: string[] = [];
    let startIndex = 1;
    let pages = 0;
    for (;;) {
      const page = await scim.get(`/Users?count=100&startIndex=${startIndex}`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(page.body.totalResults).toBe(USERS);
      expect(page.body.itemsPerPage).toBe(page.body.Resources.length);
      expect(Buffer.byteLength(JSON.stringify(page.body.Resources))).toBeLessThanOrEqual(2_500);
      if (page.body.Resources.length === 0) break;
      pages++;
      seen.push(...page.body.Resources.map((r: { userName: string }) => r.userName));
      startIndex += page.body.itemsPerPage;
    }
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(USERS);
    expect(seen).toHaveLength(USERS);
  });

  it('refuses expensive requests past a workspace\'s turns with 429 and Retry-After, and serves other workspaces meanwhile', async () => {
    const burst = await Promise.all([
      ...Array.from({ length: 8 }, () => scim.get('/Users?filter=userName co "user"')),
      other.get('/Users?filter=userName co "gus"'),
    ]);
    const acmeAnswers = burst.slice(0, 8);
    for (const answer of acmeAnswers) {
      expect([200, 429]).toContain(answer.status);
      if (answer.status === 429) {
        expect(isScimError(answer.body, 429)).toBe(true);
        expect(answer.body.detail).toContain('scim.budgets.heavyRequestsPerWorkspace');
        expect(answer.headers['retry-after']).toBe('1');
      }
    }
    expect(acmeAnswers.some((a) => a.status === 200)).toBe(true);
    expect(acmeAnswers.some((a) => a.status === 429)).toBe(true);
    expect(burst[8]!.status).toBe(200);
    expect(burst[8]!.body.totalResults).toBe(1);
  });
});
