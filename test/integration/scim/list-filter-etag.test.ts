import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, patchOp, scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { DEFAULT_WORKSPACE_URN, ENTERPRISE_URN, isScimError, seedMembers, userBody, type Scim, type ScimResponse } from './scim-kit.js';

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const q = (filter: string) => `/Users?filter=${encodeURIComponent(filter)}`;
const names = (response: ScimResponse) => (response.body.Resources as { userName: string }[]).map((r) => r.userName).sort();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(DIALECTS)('listing, filters and ETags on %s', (dialect) => {
  let gw: TestGateway;
  let scim: Scim;
  let token: string;
  /** A key of another workspace, which no mount of acme's may accept. */
  let otherToken: string;
  const id: Record<string, string> = {};

  beforeAll(async () => {
    gw = await startTestGateway(dialect, {
      scim: {
        defaultCount: 100,
        maxCount: 1000,
        // `/scim` (Staffbase's shape) is a prefix of every other SCIM URL, the organization URLs included.
        mounts: [{ path: '/scim/v2', workspace: 'acme' }, { path: '/api/v1/scim/v2', workspace: 'acme' }, { path: '/scim', workspace: 'acme' }],
      },
    });
    const ws = await gw.workspace({ id: 'acme', version: 'v2' });
    otherToken = (await gw.workspace({ id: 'globex', version: 'v2' })).token;
    token = ws.token;
    scim = scimClient(gw.app, ws.base, ws.token);
    const people: [string, Record<string, unknown>][] = [
      ['Alice@Example.com', { externalId: 'ext-Alice', title: 'Engineer', emails: [{ value: 'alice@x.example', type: 'work', primary: true }, { value: 'alice@home.example', type: 'home' }], [ENTERPRISE_URN]: { department: 'Sales' }, [DEFAULT_WORKSPACE_URN]: { role: 'editor' } }],
      ['bob@example.com', { externalId: 'ext-bob', title: 'Manager', emails: [{ value: 'bob@y.example', type: 'work' }], [ENTERPRISE_URN]: { department: 'Sales' } }],
      ['carol@example.org', { externalId: 'ext-carol', title: 'Engineer', emails: [{ value: 'carol@x.example', type: 'home' }], [ENTERPRISE_URN]: { department: 'R&D' }, [DEFAULT_WORKSPACE_URN]: { role: 'admin' } }],
      ['dave@example.org', { externalId: 'ext-dave', active: false, emails: [{ value: 'dave@x.example', type: 'work' }] }],
    ];
    for (const [userName, extra] of people) {
      const created = await scim.post('/Users', userBody(userName, { schemas: [USER_SCHEMA, ENTERPRISE_URN], ...extra }));
      if (created.status !== 201) throw new Error(JSON.stringify(created.body));
      id[userName.split('@')[0]!.toLowerCase()] = created.body.id;
    }
  });
  afterAll(() => gw.close());

  describe('filters', () => {
    it('matches userName eq in any case', async () => {
      for (const value of ['alice@example.com', 'ALICE@EXAMPLE.COM', 'Alice@Example.com']) {
        const response = await scim.get(q(`userName eq "${value}"`));
        expect(response.status).toBe(200);
        expect(response.body.totalResults, value).toBe(1);
        expect(response.body.Resources[0].id).toBe(id.alice);
      }
      // Attribute names are case-insensitive too.
      expect((await scim.get(q('USERNAME eq "bob@example.com"'))).body.totalResults).toBe(1);
    });

    it('matches externalId eq case-exactly', async () => {
      expect((await scim.get(q('externalId eq "ext-Alice"'))).body.totalResults).toBe(1);
      expect((await scim.get(q('externalId eq "ext-alice"'))).body.totalResults).toBe(0);
      expect((await scim.get(q('externalId eq "EXT-ALICE"'))).body.totalResults).toBe(0);
    });

    it('matches value filters on emails', async () => {
      expect(names(await scim.get(q('emails[type eq "work" and value co "@x"]')))).toEqual(['Alice@Example.com', 'dave@example.org']);
      expect(names(await scim.get(q('emails[type eq "work"].value eq "bob@y.example"')))).toEqual(['bob@example.com']);
      expect(names(await scim.get(q('emails.value ew "home.example"')))).toEqual(['Alice@Example.com']);
      expect((await scim.get(q('emails[type eq "work"].value eq "carol@x.example"'))).body.totalResults).toBe(0);
    });

    it('combines with and, or, not and parentheses', async () => {
      expect(names(await scim.get(q('title eq "Engineer" and active eq true')))).toEqual(['Alice@Example.com', 'carol@example.org']);
      expect(names(await scim.get(q('userName sw "bob" or userName sw "carol"')))).toEqual(['bob@example.com', 'carol@example.org']);
      expect(names(await scim.get(q('not (title eq "Engineer")')))).toEqual(['bob@example.com', 'dave@example.org']);
      expect(names(await scim.get(q('(title eq "Engineer" or title eq "Manager") and not (userName ew "example.org")')))).toEqual(['Alice@Example.com', 'bob@example.com']);
      expect(names(await scim.get(q('active eq false')))).toEqual(['dave@example.org']);
    });

    it('supports pr, ne, co, sw, ew and ordering comparisons', async () => {
      expect(names(await scim.get(q('title pr')))).toEqual(['Alice@Example.com', 'bob@example.com', 'carol@example.org']);
      expect(names(await scim.get(q('title ne "Engineer"')))).toEqual(['bob@example.com', 'dave@example.org']);
      expect(names(await scim.get(q('userName co "EXAMPLE.ORG"')))).toEqual(['carol@example.org', 'dave@example.org']);
      expect(names(await scim.get(q('userName gt "c"')))).toEqual(['carol@example.org', 'dave@example.org']);
      expect(names(await scim.get(q('userName le "b"')))).toEqual(['Alice@Example.com']);
    });

    it('filters on meta.lastModified gt', async () => {
      const before = (await scim.get(`/Users/${id.bob}`)).body.meta.lastModified as string;
      await pause(5);
      const since = new Date().toISOString();
      await pause(5);
      const patched = await scim.patch(`/Users/${id.bob}`, patchOp({ op: 'replace', path: 'nickName', value: 'Bobby' }));
      expect(patched.body.meta.lastModified > since).toBe(true);
      expect(names(await scim.get(q(`meta.lastModified gt "${since}"`)))).toEqual(['bob@example.com']);
      expect((await scim.get(q(`meta.lastModified ge "${before}"`))).body.totalResults).toBeGreaterThanOrEqual(1);
      expect((await scim.get(q(`meta.lastModified lt "2000-01-01T00:00:00Z"`))).body.totalResults).toBe(0);
    });

    it('filters on enterprise and workspace extension attributes by their URN', async () => {
      expect(names(await scim.get(q(`${ENTERPRISE_URN}:department eq "Sales"`)))).toEqual(['Alice@Example.com', 'bob@example.com']);
      expect(names(await scim.get(q(`${DEFAULT_WORKSPACE_URN}:role eq "admin"`)))).toEqual(['carol@example.org']);
    });

    it('answers an unsupported filter with 400 invalidFilter', async () => {
      for (const filter of ['password eq "secret"', 'nosuchattribute eq "x"', 'urn:example:unknown:2.0:User:thing eq "x"', 'groups.display eq "Staff"']) {
        const response = await scim.get(q(filter));
        expect(response.status, filter).toBe(400);
        expect(isScimError(response.body, 400)).toBe(true);
        expect(response.body.scimType, filter).toBe('invalidFilter');
      }
    });

    it('answers a malformed filter with 400 invalidFilter', async () => {
      for (const filter of ['userName eq', 'userName eq "x" and', '(userName eq "x"', 'userName zz "x"', 'emails[type eq "work"', '"just a string"']) {
        const response = await scim.get(q(filter));
        expect(response.status, filter).toBe(400);
        expect(response.body.scimType, filter).toBe('invalidFilter');
      }
    });

    it('filters groups by displayName', async () => {
      await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Search Me', members: [{ value: id.alice }] });
      const found = await scim.get(`/Groups?filter=${encodeURIComponent('displayName eq "search me"')}&excludedAttributes=members`);
      expect(found.body.totalResults).toBe(1);
      expect(found.body.Resources[0]).not.toHaveProperty('members');
    });
  });

  describe('paging', () => {
    it('uses a 1-based startIndex, integer numbers and a stable order with no duplicates', async () => {
      const all = await scim.get('/Users');
      expect(all.body.schemas).toEqual([LIST_SCHEMA]);
      expect(all.body.totalResults).toBe(4);
      const pages: string[] = [];
      for (let start = 1; start <= 4; start += 2) {
        const page = await scim.get(`/Users?startIndex=${start}&count=2`);
        expect(page.body).toMatchObject({ totalResults: 4, startIndex: start, itemsPerPage: 2 });
        for (const key of ['totalResults', 'startIndex', 'itemsPerPage']) expect(typeof page.body[key]).toBe('number');
        pages.push(...page.body.Resources.map((r: { id: string }) => r.id));
      }
      expect(pages).toEqual(all.body.Resources.map((r: { id: string }) => r.id));
      expect(new Set(pages).size).toBe(4);
      const first = await scim.get('/Users?startIndex=1&count=1');
      expect(first.body.Resources[0].id).toBe(all.body.Resources[0].id);
      const beyond = await scim.get('/Users?startIndex=50&count=10');
      expect(beyond.body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
    });

    it('answers a startIndex far past the end (or beyond what SQL can bind) with an empty page', async () => {
      for (const startIndex of ['5', '99999999999999999999', '1e300']) {
        const response = await scim.get(`/Users?startIndex=${startIndex}`);
        expect(response.status, startIndex).toBe(200);
        expect(response.body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
      }
      expect((await scim.get('/Groups?startIndex=99999999999999999999')).status).toBe(200);
      expect((await scim.post('/Users/.search', { schemas: [SEARCH_SCHEMA], startIndex: 1e300 })).status).toBe(200);
    });

    it('returns only totalResults for count=0', async () => {
      const response = await scim.get(`${q('title eq "Engineer"')}&count=0`);
      expect(response.body.totalResults).toBe(2);
      expect(response.body.itemsPerPage).toBe(0);
      expect(response.body.Resources ?? []).toEqual([]);
    });

    it('defaults count to 100', async () => {
      const ws = await gw.workspace({ id: 'big', version: 'v2' });
      await seedMembers(gw.db.store.db, 'big', 150, 'big');
      const big = scimClient(gw.app, ws.base, ws.token);
      const page = await big.get('/Users');
      expect(page.body).toMatchObject({ totalResults: 150, itemsPerPage: 100, startIndex: 1 });
      const second = await big.get('/Users?startIndex=101');
      expect(second.body.itemsPerPage).toBe(50);
      const ids = new Set([...page.body.Resources, ...second.body.Resources].map((r: { id: string }) => r.id));
      expect(ids.size).toBe(150);
    });

    it('takes the default and maximum count from the config', async () => {
      const small = await startTestGateway(dialect, { scim: { maxCount: 5, defaultCount: 3, mounts: [] } });
      try {
        const ws = await small.workspace({ id: 'small', version: 'v2' });
        const client = scimClient(small.app, ws.base, ws.token);
        for (let i = 0; i < 8; i++) await client.post('/Users', userBody(`s${i}@small.example`));
        expect((await client.get('/Users')).body).toMatchObject({ totalResults: 8, itemsPerPage: 3 });
        expect((await client.get('/Users?count=50')).body).toMatchObject({ totalResults: 8, itemsPerPage: 5 });
        const spc = await client.get('/ServiceProviderConfig');
        expect(spc.body.filter).toMatchObject({ supported: true, maxResults: 5 });
        const seen: string[] = [];
        for (let start = 1; start <= 8; start += 5) seen.push(...(await client.get(`/Users?startIndex=${start}&count=5`)).body.Resources.map((r: { id: string }) => r.id));
        expect(new Set(seen).size).toBe(8);
      } finally {
        await small.close();
      }
    });

    it('sorts by userName when asked', async () => {
      const ascending = await scim.get('/Users?sortBy=userName');
      expect(ascending.body.Resources.map((r: { userName: string }) => r.userName.toLowerCase())).toEqual(['alice@example.com', 'bob@example.com', 'carol@example.org', 'dave@example.org']);
      const descending = await scim.get('/Users?sortBy=userName&sortOrder=descending');
      expect(descending.body.Resources[0].userName).toBe('dave@example.org');
    });
  });

  describe('attributes and excludedAttributes', () => {
    it('returns only the asked attributes, plus id and schemas', async () => {
      const response = await scim.get(`/Users/${id.alice}?attributes=userName`);
      expect(Object.keys(response.body).sort()).toEqual(['id', 'schemas', 'userName']);
      const nested = await scim.get(`/Users/${id.alice}?attributes=emails.value,${ENTERPRISE_URN}:department`);
      expect(nested.body.emails).toEqual([{ value: 'alice@x.example' }, { value: 'alice@home.example' }]);
      expect(nested.body[ENTERPRISE_URN]).toEqual({ department: 'Sales' });
      expect(nested.body).not.toHaveProperty('userName');
      const listed = await scim.get(`${q('userName eq "bob@example.com"')}&attributes=userName,title`);
      expect(Object.keys(listed.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'title', 'userName']);
    });

    it('leaves out excluded attributes', async () => {
      const response = await scim.get(`/Users/${id.alice}?excludedAttributes=emails,title,groups,${ENTERPRISE_URN}:department`);
      expect(response.body).not.toHaveProperty('emails');
      expect(response.body).not.toHaveProperty('title');
      expect(response.body).not.toHaveProperty('groups');
      expect(response.body[ENTERPRISE_URN]?.department).toBeUndefined();
      expect(response.body.userName).toBe('Alice@Example.com');
      expect(response.body.id).toBe(id.alice);
      const cannotDropId = await scim.get(`/Users/${id.alice}?excludedAttributes=id,schemas`);
      expect(cannotDropId.body.id).toBe(id.alice);
      expect(cannotDropId.body.schemas).toContain(USER_SCHEMA);
    });
  });

  describe('POST /.search', () => {
    it('answers a SearchRequest with a 200 ListResponse', async () => {
      const response = await scim.post('/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 'title eq "Engineer"', startIndex: 1, count: 1, attributes: ['userName'] });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('application/scim+json');
      expect(response.body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 2, itemsPerPage: 1, startIndex: 1 });
      expect(Object.keys(response.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
      const zeroBased = await scim.post('/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 'externalId eq ext-bob', startIndex: 0 });
      expect(zeroBased.body).toMatchObject({ totalResults: 1, startIndex: 1 });
      const groups = await scim.post('/Groups/.search', { schemas: [SEARCH_SCHEMA], count: 0 });
      expect(groups.status).toBe(200);
      expect(Number.isInteger(groups.body.totalResults)).toBe(true);
      const bad = await scim.post('/Users/.search', { schemas: [SEARCH_SCHEMA], filter: 'userName eq' });
      expect(bad.status).toBe(400);
      expect(bad.body.scimType).toBe('invalidFilter');
    });
  });

  describe('ETags', () => {
    it('puts meta.version on resources and the ETag header on GET', async () => {
      const response = await scim.get(`/Users/${id.carol}`);
      expect(response.body.meta.version).toMatch(/^W\/"\d+"$/);
      expect(response.headers.etag).toBe(response.body.meta.version);
      const list = await scim.get('/Users');
      for (const resource of list.body.Resources) expect(resource.meta.version).toMatch(/^W\/"\d+"$/);
      const group = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Tagged' });
      expect(group.body.meta.version).toMatch(/^W\/"\d+"$/);
    });

    it('answers If-None-Match with the current version by 304, an old one by 200', async () => {
      const current = await scim.get(`/Users/${id.carol}`);
      const notModified = await scim.get(`/Users/${id.carol}`, { 'if-none-match': current.headers.etag as string });
      expect(notModified.status).toBe(304);
      expect(notModified.body).toBeNull();
      expect((await scim.get(`/Users/${id.carol}`, { 'if-none-match': 'W/"999"' })).status).toBe(200);
      const group = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Cached' });
      expect((await scim.get(`/Groups/${group.body.id}`, { 'if-none-match': group.body.meta.version })).status).toBe(304);
    });

    it('refuses a write with a stale If-Match by 412, and accepts the current one', async () => {
      const current = await scim.get(`/Users/${id.carol}`);
      const stale = 'W/"999"';
      const attempts = [
        await scim.patch(`/Users/${id.carol}`, patchOp({ op: 'replace', path: 'title', value: 'Stale' }), { 'if-match': stale }),
        await scim.put(`/Users/${id.carol}`, userBody('carol@example.org', { title: 'Stale' }), { 'if-match': stale }),
        await scim.delete(`/Users/${id.carol}`, { 'if-match': stale }),
      ];
      for (const attempt of attempts) {
        expect(attempt.status).toBe(412);
        expect(isScimError(attempt.body, 412)).toBe(true);
      }
      const unchanged = await scim.get(`/Users/${id.carol}`);
      expect(unchanged.body.meta.version).toBe(current.body.meta.version);
      const ok = await scim.patch(`/Users/${id.carol}`, patchOp({ op: 'replace', path: 'nickName', value: 'Caz' }), { 'if-match': current.headers.etag as string });
      expect(ok.status).toBe(200);
      expect(ok.body.meta.version).not.toBe(current.body.meta.version);
      expect(ok.headers.etag).toBe(ok.body.meta.version);

      const group = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Guarded' });
      const groupStale = await scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Nope' }), { 'if-match': stale });
      expect(groupStale.status).toBe(412);
    });
  });

  describe('HTTP details', () => {
    it('accepts application/json requests and answers application/scim+json', async () => {
      const json = scimClient(gw.app, '/scim/v2/organizations/acme', token, { contentType: 'application/json' });
      const created = await json.post('/Users', userBody('json@example.com'));
      expect(created.status).toBe(201);
      expect(created.headers['content-type']).toMatch(/^application\/scim\+json/);
      const patched = await json.patch(`/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'title', value: 'JSON' }));
      expect(patched.status).toBe(200);
      expect(patched.headers['content-type']).toMatch(/^application\/scim\+json/);
      for (const url of ['/Users', `/Users/${created.body.id}`, '/Groups', '/ServiceProviderConfig', '/Schemas', '/ResourceTypes', '/Users/does-not-exist']) {
        expect((await json.get(url)).headers['content-type'], url).toMatch(/^application\/scim\+json/);
      }
      await json.delete(`/Users/${created.body.id}`);
    });

    it('sets Location on 201 to the new resource', async () => {
      const created = await scim.post('/Users', userBody('located@example.com'));
      expect(created.headers.location).toBe(`http://localhost:80/scim/v2/organizations/acme/Users/${created.body.id}`);
      expect(created.body.meta.location).toBe(created.headers.location);
      expect((await gw.app.inject({ method: 'GET', url: new URL(created.headers.location as string).pathname, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
      await scim.delete(`/Users/${created.body.id}`);
    });

    it('accepts a query string such as ?aadOptscim062020 on every URL', async () => {
      const flag = '?aadOptscim062020';
      const created = await scim.post(`/Users${flag}`, userBody('flagged@example.com'));
      expect(created.status).toBe(201);
      const userUrl = `/Users/${created.body.id}${flag}`;
      expect((await scim.get(`/Users${flag}`)).status).toBe(200);
      expect((await scim.get(`/Users${flag}&filter=${encodeURIComponent('userName eq "flagged@example.com"')}`)).body.totalResults).toBe(1);
      expect((await scim.get(userUrl)).status).toBe(200);
      expect((await scim.put(userUrl, userBody('flagged@example.com', { title: 'Flagged' }))).status).toBe(200);
      expect((await scim.patch(userUrl, patchOp({ op: 'replace', path: 'active', value: false }))).status).toBe(200);
      expect((await scim.post(`/Users/.search${flag}`, { schemas: [SEARCH_SCHEMA] })).status).toBe(200);
      const group = await scim.post(`/Groups${flag}`, { schemas: [GROUP_SCHEMA], displayName: 'Flagged' });
      expect(group.status).toBe(201);
      expect((await scim.get(`/Groups${flag}`)).status).toBe(200);
      expect((await scim.get(`/Groups/${group.body.id}${flag}`)).status).toBe(200);
      expect((await scim.patch(`/Groups/${group.body.id}${flag}`, patchOp({ op: 'add', path: 'members', value: [{ value: created.body.id }] }))).status).toBe(204);
      expect((await scim.delete(`/Groups/${group.body.id}${flag}`)).status).toBe(204);
      for (const url of ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas']) expect((await scim.get(`${url}${flag}`)).status, url).toBe(200);
      expect((await scim.delete(userUrl)).status).toBe(204);
    });

    it('serves the workspace on the fixed mounts from the config', async () => {
      for (const mount of ['/scim/v2', '/api/v1/scim/v2', '/scim']) {
        const client = scimClient(gw.app, mount, token);
        // The client takes URLs starting with /scim as they are, and puts the base in front of the others.
        const url = (path: string) => (mount.startsWith('/scim') ? `${mount}${path}` : path);
        const found = await client.get(url(`/Users/${id.alice}`));
        expect(found.status, mount).toBe(200);
        expect(found.body.meta.location).toBe(`http://localhost:80${mount}/Users/${id.alice}`);
        expect((await client.get(url(`/Users?filter=${encodeURIComponent('userName eq "bob@example.com"')}&aadOptscim062020`))).body.totalResults).toBe(1);
        const created = await client.post(url('/Users'), userBody(`mounted${mount.length}@example.com`));
        expect(created.status).toBe(201);
        expect(created.headers.location).toBe(`http://localhost:80${mount}/Users/${created.body.id}`);
        expect(created.body.meta.location).toBe(`http://localhost:80${mount}/Users/${created.body.id}`);
        // The same workspace: visible through the organization URL.
        expect((await scim.get(`/Users/${created.body.id}`)).status).toBe(200);
        expect((await client.delete(url(`/Users/${created.body.id}`))).status).toBe(204);
        expect((await client.get(url('/ServiceProviderConfig'))).status).toBe(200);
        // An unknown resource under the mount is a SCIM 404, not Fastify's.
        const bogus = await client.get(url('/Bogus'));
        expect(bogus.status, mount).toBe(404);
        expect(isScimError(bogus.body, 404), JSON.stringify(bogus.body)).toBe(true);
        // Another workspace's key opens none of acme's mounts, and the refusal is SCIM-shaped.
        const foreign = await scimClient(gw.app, mount, otherToken).get(url('/Users'));
        expect(foreign.status, mount).toBe(401);
        expect(isScimError(foreign.body, 401)).toBe(true);
        expect(foreign.headers['content-type']).toContain('application/scim+json');
      }
    });

    it('keeps the organization URLs working beside a /scim mount', async () => {
      const viaOrganization = await scim.get(`/scim/v2/organizations/acme/Users/${id.alice}`);
      expect(viaOrganization.status).toBe(200);
      expect(viaOrganization.body.meta.location).toBe(`http://localhost:80/scim/v2/organizations/acme/Users/${id.alice}`);
      expect((await scim.get(`/scim/v2/organizations/acme/Users?filter=${encodeURIComponent('userName eq "alice@example.com"')}`)).body.totalResults).toBe(1);
      // The other workspace is served at its own organization URL with its own key, and not through acme's mount.
      const globex = scimClient(gw.app, '/scim/v2/organizations/globex', otherToken);
      expect((await globex.get('/Users')).body.totalResults).toBe(0);
      expect((await globex.get(`/Users/${id.alice}`)).status).toBe(404);
      // acme's key on the organization URL of globex is refused like any foreign key.
      const crossed = await scim.get('/scim/v2/organizations/globex/Users');
      expect(crossed.status).toBe(401);
      expect(isScimError(crossed.body, 401)).toBe(true);
      const unknown = await scim.get('/scim/v2/organizations/acme/Bogus');
      expect(unknown.status).toBe(404);
      expect(isScimError(unknown.body, 404)).toBe(true);
    });
  });
});
