import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchOp, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { BASE44_URN } from '../scim/scim-kit.js';
import { appClient, appKeyFor, groupBody, listAll, userBody, v2Workspace } from './app-api-kit.js';
import { scimClient } from '../../support/test-gateway.js';

/** The app API's listings and single resources: keyset pages, each filter, and resources shaped as AppMember / AppGroup. */
describe.each(DIALECTS)('app API listings on %s', (dialect) => {
  let gw: TestGateway;
  let ws: Awaited<ReturnType<typeof v2Workspace>>;
  const ids: Record<string, string> = {};
  let groupId = '';

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    ws = await v2Workspace(gw, 'listings');
    const roles = ['admin', 'editor', 'editor', 'viewer', 'viewer', 'viewer', 'editor'];
    for (const [i, role] of roles.entries()) {
      const created = await ws.scim.post('/Users', userBody(`u${i}@acme.example`, role, { title: `T${i}` }));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids[`u${i}`] = created.body.id;
    }
    expect((await ws.scim.patch(`/Users/${ids.u3}`, patchOp({ op: 'replace', path: 'active', value: false }))).status).toBe(200);
    const group = await ws.scim.post('/Groups', groupBody('Engineering', [ids.u1!, ids.u2!, ids.u3!]));
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    groupId = group.body.id;
    expect((await ws.scim.post('/Groups', groupBody('Empty'))).status).toBe(201);
  });
  afterAll(() => gw.close());

  it('lists every member once over keyset pages, in id order, each page cut at the first page’s eventSeq', async () => {
    const { data, eventSeq, pages } = await listAll(ws.app, '/workspaces/listings/members', 3);
    expect(pages).toBe(3);
    expect(data.map((m) => m.id)).toEqual(Object.values(ids).sort());
    expect(eventSeq).toBeGreaterThan(0);
    const first = data.find((m) => m.id === ids.u0);
    expect(first).toEqual({
      id: ids.u0,
      externalId: 'ext-u0@acme.example',
      userName: 'u0@acme.example',
      displayName: null,
      givenName: null,
      familyName: null,
      email: 'u0@acme.example',
      title: 'T0',
      department: null,
      active: true,
      role: 'admin',
      creditLimit: null,
      seatType: null,
      owner: false,
      managedBy: null,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('answers the default page size and a last page with nextCursor null', async () => {
    const response = await ws.app('/workspaces/listings/members');
    expect(response.status).toBe(200);
    expect(response.body.data).toHaveLength(7);
    expect(response.body.nextCursor).toBeNull();
  });

  it('filters by active, role and group, and pages the filtered listing', async () => {
    const suspended = await listAll(ws.app, '/workspaces/listings/members?active=false', 10);
    expect(suspended.data.map((m) => m.id)).toEqual([ids.u3]);
    const active = await listAll(ws.app, '/workspaces/listings/members?active=true', 2);
    expect(active.data).toHaveLength(6);
    const editors = await listAll(ws.app, '/workspaces/listings/members?role=editor', 1);
    expect(editors.data.map((m) => m.id).sort()).toEqual([ids.u1, ids.u2, ids.u6].sort());
    expect(editors.pages).toBe(3);
    const inGroup = await listAll(ws.app, `/workspaces/listings/members?group=${groupId}`, 2);
    expect(inGroup.data.map((m) => m.id)).toEqual([ids.u1, ids.u2, ids.u3].sort());
    const activeEditorsInGroup = await listAll(ws.app, `/workspaces/listings/members?group=${groupId}&active=true&role=editor`, 5);
    expect(activeEditorsInGroup.data.map((m) => m.id)).toEqual([ids.u1, ids.u2].sort());
    expect((await listAll(ws.app, '/workspaces/listings/members?group=no-such-group', 5)).data).toEqual([]);
  });

  it('filters a V1 workspace by seatType', async () => {
    const v1 = await gw.workspace({ id: 'seats', preset: 'base44-v1' });
    const scim = scimClient(gw.app, v1.base, v1.token);
    for (const [name, seatType] of [['a', 'builder'], ['b', 'pro'], ['c', 'builder']] as const) {
      expect((await scim.post('/Users', { ...userBody(`${name}@acme.example`), [BASE44_URN]: { seatType } })).status).toBe(201);
    }
    const app = appClient(gw.app, await appKeyFor(gw, 'seats'));
    const builders = await listAll(app, '/workspaces/seats/members?seatType=builder', 1);
    expect(builders.data.map((m) => m.userName).sort()).toEqual(['a@acme.example', 'c@acme.example']);
    expect(builders.data.every((m) => m.seatType === 'builder' && m.role === null)).toBe(true);
  });

  it('lists groups and a group’s member links, and reads one group', async () => {
    const groups = await listAll(ws.app, '/workspaces/listings/groups', 1);
    expect(groups.data.map((g) => g.displayName).sort()).toEqual(['Empty', 'Engineering']);
    expect(groups.data.find((g) => g.id === groupId)).toEqual({
      id: groupId,
      externalId: 'ext-Engineering',
      displayName: 'Engineering',
      appName: expect.any(String),
      managedBy: null,
      version: expect.any(Number),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const links = await listAll(ws.app, `/workspaces/listings/groups/${groupId}/members`, 2);
    expect(links.pages).toBe(2);
    expect(links.data).toEqual([ids.u1, ids.u2, ids.u3].sort().map((id) => ({ member: expect.objectContaining({ id }), projectRole: null })));
    expect(links.data.find((l) => l.member.id === ids.u1).member).toEqual({ id: ids.u1, userName: 'u1@acme.example', externalId: 'ext-u1@acme.example' });
    const one = await ws.app(`/workspaces/listings/groups/${groupId}`);
    expect(one.status).toBe(200);
    expect(one.body.displayName).toBe('Engineering');
  });

  it('reads one member as it is now, and answers 404 not_found for an unknown id or group', async () => {
    const one = await ws.app(`/workspaces/listings/members/${ids.u3}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: ids.u3, active: false, version: 2 });
    for (const path of ['/workspaces/listings/members/nope', '/workspaces/listings/groups/nope', '/workspaces/listings/groups/nope/members']) {
      const missing = await ws.app(path);
      expect(missing.status, path).toBe(404);
      expect(missing.body.error).toEqual({ status: 404, code: 'not_found', detail: expect.stringContaining('nope') });
    }
  });

  it('refuses a bad limit, a bad filter value and a foreign or mangled cursor with a JSON error', async () => {
    const tooMany = await ws.app('/workspaces/listings/members?limit=1001');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ status: 400, code: 'invalid_request', detail: expect.stringContaining('limit') });
    expect((await ws.app('/workspaces/listings/members?active=maybe')).body.error.code).toBe('invalid_request');
    const mangled = await ws.app('/workspaces/listings/members?cursor=not-a-cursor');
    expect(mangled.status).toBe(400);
    expect(mangled.body.error.code).toBe('invalid_cursor');
    const groupsCursor = (await ws.app('/workspaces/listings/groups?limit=1')).body.nextCursor as string;
    const foreign = await ws.app(`/workspaces/listings/members?cursor=${groupsCursor}`);
    expect(foreign.body.error).toMatchObject({ code: 'invalid_cursor', detail: expect.stringContaining('another listing') });
    const roleCursor = (await ws.app('/workspaces/listings/members?limit=1&role=editor')).body.nextCursor as string;
    expect((await ws.app(`/workspaces/listings/members?role=viewer&cursor=${roleCursor}`)).body.error.code).toBe('invalid_cursor');
    const unknownRoute = await ws.app('/workspaces/listings/nothing');
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.body.error.code).toBe('not_found');
  });
});
