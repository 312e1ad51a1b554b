import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, patchOp, scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { isScimError, seedMembers, userBody, type Scim } from './scim-kit.js';

const group = (displayName: string, extra: Record<string, unknown> = {}) => ({ schemas: [GROUP_SCHEMA], displayName, ...extra });
const ids = (members: { value: string }[] | undefined) => (members ?? []).map((m) => m.value).sort();

describe.each(DIALECTS)('SCIM Groups on %s', (dialect) => {
  let gw: TestGateway;
  let scim: Scim;
  const users: string[] = [];
  const db = () => gw.db.store.db;
  const memberRows = (groupId: string) => db().selectFrom('group_member').select('membership_id').where('group_id', '=', groupId).execute();

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    const ws = await gw.workspace({ id: 'acme', version: 'v2' });
    scim = scimClient(gw.app, ws.base, ws.token);
    for (const name of ['ann', 'bob', 'cat', 'dan']) {
      users.push((await scim.post('/Users', userBody(`${name}@acme.example`, { displayName: name.toUpperCase() }))).body.id);
    }
  });
  afterAll(() => gw.close());

  it('creates a group with members: [] (Okta) and with members: null', async () => {
    const created = await scim.post('/Groups', group('Empty', { members: [] }));
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toContain('application/scim+json');
    expect(created.headers.location).toBe(`http://localhost:80/scim/v2/organizations/acme/Groups/${created.body.id}`);
    expect(created.headers.etag).toBe(created.body.meta.version);
    expect(created.body).toMatchObject({ schemas: [GROUP_SCHEMA], displayName: 'Empty', meta: { resourceType: 'Group' } });
    expect(created.body.members ?? []).toEqual([]);
    const nullMembers = await scim.post('/Groups', group('Null members', { members: null }));
    expect(nullMembers.status).toBe(201);
  });

  it('creates a group with members and shows it in the users\' groups', async () => {
    const created = await scim.post('/Groups', group('Founders', { externalId: 'grp-founders', members: [{ value: users[0] }, { value: users[1] }] }));
    expect(created.status).toBe(201);
    expect(ids(created.body.members)).toEqual([users[0], users[1]].sort());
    expect(created.body.members[0]).toMatchObject({ type: 'User' });
    expect(created.body.members.find((m: { value: string }) => m.value === users[0]).display).toBe('ANN');
    const ann = await scim.get(`/Users/${users[0]}`);
    expect(ann.body.groups).toEqual([expect.objectContaining({ value: created.body.id, display: 'Founders' })]);
  });

  it("lists a user's groups by display name on GET by id and on userName / externalId lookups", async () => {
    const eve = (await scim.post('/Users', userBody('eve@acme.example', { externalId: 'ext-eve' }))).body.id;
    const zeta = await scim.post('/Groups', group('Zeta readers', { members: [{ value: eve }] }));
    const alpha = await scim.post('/Groups', group('Alpha readers', { members: [{ value: eve }] }));
    const expected = [
      { value: alpha.body.id, display: 'Alpha readers', $ref: expect.stringContaining(`/Groups/${alpha.body.id}`) },
      { value: zeta.body.id, display: 'Zeta readers', $ref: expect.stringContaining(`/Groups/${zeta.body.id}`) },
    ];
    expect((await scim.get(`/Users/${eve}`)).body.groups).toEqual(expected);
    const byName = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "EVE@acme.example"')}`);
    expect(byName.body.Resources[0].groups).toEqual(expected);
    const byExternalId = await scim.get(`/Users?filter=${encodeURIComponent('externalId eq "ext-eve"')}`);
    expect(byExternalId.body.Resources[0].groups).toEqual(expected);
    expect((await scim.get(`/Users/${users[3]}`)).body.groups ?? []).toEqual([]);
    expect((await scim.get(`/Users/${eve}?excludedAttributes=groups`)).body.groups).toBeUndefined();
  });

  it('adds, removes and replaces members with PATCH, answering 204', async () => {
    const created = await scim.post('/Groups', group('Team', { members: [] }));
    const url = `/Groups/${created.body.id}`;

    const added = await scim.patch(url, patchOp({ op: 'add', path: 'members', value: [{ value: users[0] }, { value: users[1] }] }));
    expect(added.status).toBe(204);
    expect(added.body).toBeNull();
    expect(ids((await scim.get(url)).body.members)).toEqual([users[0], users[1]].sort());

    // Adding someone who is already there changes nothing.
    expect((await scim.patch(url, patchOp({ op: 'add', path: 'members', value: [{ value: users[0], display: 'ann' }] }))).status).toBe(204);
    expect((await memberRows(created.body.id)).length).toBe(2);

    // Okta / Entra with the flag: a value filter in the path.
    expect((await scim.patch(url, patchOp({ op: 'remove', path: `members[value eq "${users[0]}"]` }))).status).toBe(204);
    expect(ids((await scim.get(url)).body.members)).toEqual([users[1]]);

    // Entra without the flag: path members plus a value list removes only those listed.
    await scim.patch(url, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: users[2] }, { $ref: null, value: users[3] }] }));
    expect((await scim.patch(url, patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: users[2] }] }))).status).toBe(204);
    expect(ids((await scim.get(url)).body.members)).toEqual([users[1], users[3]].sort());

    // Okta's full replace.
    expect((await scim.patch(url, patchOp({ op: 'replace', path: 'members', value: [{ value: users[0], display: 'ann' }, { value: users[2] }] }))).status).toBe(204);
    expect(ids((await scim.get(url)).body.members)).toEqual([users[0], users[2]].sort());

    // A remove of members without a value empties the group.
    expect((await scim.patch(url, patchOp({ op: 'remove', path: 'members' }))).status).toBe(204);
    expect((await scim.get(url)).body.members ?? []).toEqual([]);
  });

  it('renames Okta style, with the group id inside the value, and keeps the members', async () => {
    const created = await scim.post('/Groups', group('Sales', { members: [{ value: users[0] }] }));
    const renamed = await scim.patch(`/Groups/${created.body.id}`, patchOp({ op: 'replace', value: { id: created.body.id, displayName: 'Field Sales' } }));
    expect(renamed.status).toBe(204);
    const read = await scim.get(`/Groups/${created.body.id}`);
    expect(read.body.id).toBe(created.body.id);
    expect(read.body.displayName).toBe('Field Sales');
    expect(ids(read.body.members)).toEqual([users[0]]);
    // Re-sent with a membership update, as Okta does.
    const again = await scim.patch(
      `/Groups/${created.body.id}`,
      patchOp({ op: 'replace', value: { id: created.body.id, displayName: 'Field Sales' } }, { op: 'add', path: 'members', value: [{ value: users[1] }] }),
    );
    expect(again.status).toBe(204);
    expect(ids((await scim.get(`/Groups/${created.body.id}`)).body.members)).toEqual([users[0], users[1]].sort());
    expect((await scim.get('/Groups?filter=displayName eq "Field Sales"')).body.totalResults).toBe(1);
  });

  it('renames, adds and removes in one Entra request', async () => {
    const created = await scim.post('/Groups', group('Payroll', { members: [{ value: users[0] }] }));
    const response = await scim.patch(
      `/Groups/${created.body.id}`,
      patchOp(
        { op: 'Replace', path: 'displayName', value: 'Payroll Approvers' },
        { op: 'Add', path: 'members', value: [{ $ref: null, value: users[1] }] },
        { op: 'Remove', path: 'members', value: [{ $ref: null, value: users[0] }] },
      ),
    );
    expect(response.status).toBe(204);
    const read = await scim.get(`/Groups/${created.body.id}`);
    expect(read.body.displayName).toBe('Payroll Approvers');
    expect(ids(read.body.members)).toEqual([users[1]]);
  });

  it('leaves members out with excludedAttributes=members, and honours attributes', async () => {
    const created = await scim.post('/Groups', group('Hidden members', { members: [{ value: users[0] }] }));
    const byId = await scim.get(`/Groups/${created.body.id}?excludedAttributes=members`);
    expect(byId.status).toBe(200);
    expect(byId.body).not.toHaveProperty('members');
    expect(byId.body).toMatchObject({ id: created.body.id, displayName: 'Hidden members', schemas: [GROUP_SCHEMA] });
    const listed = await scim.get('/Groups?excludedAttributes=members&filter=displayName eq "Hidden members"');
    expect(listed.body.totalResults).toBe(1);
    expect(listed.body.Resources[0]).not.toHaveProperty('members');
    const onlyName = await scim.get(`/Groups/${created.body.id}?attributes=displayName`);
    expect(Object.keys(onlyName.body).sort()).toEqual(['displayName', 'id', 'schemas']);
  });

  it('answers a PATCH with 200 and the resource when attributes are asked for', async () => {
    const created = await scim.post('/Groups', group('Echo', { members: [] }));
    const response = await scim.patch(`/Groups/${created.body.id}?attributes=members`, patchOp({ op: 'add', path: 'members', value: [{ value: users[3] }] }));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/scim+json');
    expect(ids(response.body.members)).toEqual([users[3]]);
    expect(response.body.id).toBe(created.body.id);
    const excluded = await scim.patch(`/Groups/${created.body.id}?excludedAttributes=members`, patchOp({ op: 'replace', path: 'displayName', value: 'Echo 2' }));
    expect(excluded.status).toBe(200);
    expect(excluded.body.displayName).toBe('Echo 2');
    expect(excluded.body).not.toHaveProperty('members');
  });

  it('replaces a group with an Okta full PUT carrying id and meta', async () => {
    const created = await scim.post('/Groups', group('Put me', { members: [{ value: users[0] }] }));
    const put = await scim.put(`/Groups/${created.body.id}`, group('Put me too', { id: created.body.id, members: [{ value: users[1], display: 'bob' }], meta: { resourceType: 'Group' } }));
    expect(put.status).toBe(200);
    expect(put.body.displayName).toBe('Put me too');
    expect(ids(put.body.members)).toEqual([users[1]]);
    // A PUT without members leaves them alone.
    const bare = await scim.put(`/Groups/${created.body.id}`, group('Put me three'));
    expect(bare.status).toBe(200);
    expect(ids(bare.body.members)).toEqual([users[1]]);
  });

  it('changes the ETag when the members change', async () => {
    const created = await scim.post('/Groups', group('Versioned', { members: [] }));
    await scim.patch(`/Groups/${created.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: users[0] }] }));
    const read = await scim.get(`/Groups/${created.body.id}`);
    expect(read.body.meta.version).not.toBe(created.body.meta.version);
    expect(read.headers.etag).toBe(read.body.meta.version);
  });

  it('refuses an unknown member id with 400 invalidValue and changes nothing', async () => {
    const created = await scim.post('/Groups', group('Strict', { members: [{ value: users[0] }] }));
    const url = `/Groups/${created.body.id}`;
    const before = await scim.get(url);
    const unknown = '010101001010101011001010101011';
    const refused = await scim.patch(
      url,
      patchOp(
        { op: 'replace', path: 'displayName', value: 'Strict renamed' },
        { op: 'add', path: 'members', value: [{ value: users[1] }, { value: unknown }] },
      ),
    );
    expect(refused.status).toBe(400);
    expect(isScimError(refused.body, 400)).toBe(true);
    expect(refused.body.scimType).toBe('invalidValue');
    expect(refused.body.detail).toContain(unknown);
    const after = await scim.get(url);
    expect(after.body).toEqual(before.body);
    expect((await memberRows(created.body.id)).map((r) => r.membership_id)).toEqual([users[0]]);

    const createRefused = await scim.post('/Groups', group('Never', { members: [{ value: unknown }] }));
    expect(createRefused.status).toBe(400);
    expect((await scim.get('/Groups?filter=displayName eq "Never"')).body.totalResults).toBe(0);
  });

  it('refuses a duplicate displayName (any case) with 409 uniqueness, on create and on rename', async () => {
    const first = await scim.post('/Groups', group('Engineering'));
    expect(first.status).toBe(201);
    const duplicate = await scim.post('/Groups', group('ENGINEERING'));
    expect(duplicate.status).toBe(409);
    expect(isScimError(duplicate.body, 409)).toBe(true);
    expect(duplicate.body.scimType).toBe('uniqueness');
    const other = await scim.post('/Groups', group('Design'));
    const rename = await scim.patch(`/Groups/${other.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'engineering' }));
    expect(rename.status).toBe(409);
    expect(rename.body.scimType).toBe('uniqueness');
    expect((await scim.get(`/Groups/${other.body.id}`)).body.displayName).toBe('Design');
  });

  it('deletes a group and keeps its users', async () => {
    const created = await scim.post('/Groups', group('Temporary', { members: [{ value: users[2] }, { value: users[3] }] }));
    const deleted = await scim.delete(`/Groups/${created.body.id}`);
    expect(deleted.status).toBe(204);
    expect((await scim.get(`/Groups/${created.body.id}`)).status).toBe(404);
    expect((await scim.delete(`/Groups/${created.body.id}`)).status).toBe(404);
    for (const id of [users[2], users[3]]) {
      const user = await scim.get(`/Users/${id}`);
      expect(user.status).toBe(200);
      expect((user.body.groups ?? []).map((g: { value: string }) => g.value)).not.toContain(created.body.id);
    }
    expect(await memberRows(created.body.id)).toEqual([]);
  });

  it('drops a deleted user from its groups', async () => {
    const temp = await scim.post('/Users', userBody('temp@acme.example'));
    const created = await scim.post('/Groups', group('With temp', { members: [{ value: temp.body.id }, { value: users[0] }] }));
    await scim.delete(`/Users/${temp.body.id}`);
    expect(ids((await scim.get(`/Groups/${created.body.id}`)).body.members)).toEqual([users[0]]);
  });

  it('filters groups by displayName, externalId and member', async () => {
    const created = await scim.post('/Groups', group('Filterable', { externalId: 'ext-filterable', members: [{ value: users[3] }] }));
    expect((await scim.get('/Groups?filter=displayName eq "filterable"')).body.Resources.map((g: { id: string }) => g.id)).toEqual([created.body.id]);
    expect((await scim.get('/Groups?filter=externalId eq "ext-filterable"')).body.totalResults).toBe(1);
    const byMember = await scim.get(`/Groups?filter=members[value eq "${users[3]}"]&excludedAttributes=members`);
    expect(byMember.body.Resources.map((g: { id: string }) => g.id)).toContain(created.body.id);
  });

  it('adds 10,000 members in one PATCH and removes 5,000 in another', async () => {
    const bulk = await seedMembers(db(), 'acme', 10_000, 'bulk');
    const created = await scim.post('/Groups', group('Everyone', { members: [] }));
    const url = `/Groups/${created.body.id}`;

    const added = await scim.patch(url, patchOp({ op: 'add', path: 'members', value: bulk.map((value) => ({ value })) }));
    expect(added.status).toBe(204);
    expect((await memberRows(created.body.id)).length).toBe(10_000);

    const leaving = bulk.slice(0, 5_000);
    const removed = await scim.patch(url, patchOp({ op: 'Remove', path: 'members', value: leaving.map((value) => ({ $ref: null, value })) }));
    expect(removed.status).toBe(204);
    const remaining = new Set((await memberRows(created.body.id)).map((r) => r.membership_id));
    expect(remaining.size).toBe(5_000);
    expect(leaving.some((id) => remaining.has(id))).toBe(false);
    expect(bulk.slice(5_000).every((id) => remaining.has(id))).toBe(true);

    const read = await scim.get(url);
    expect(read.body.members).toHaveLength(5_000);
    // The users themselves are untouched.
    expect((await scim.get('/Users?count=0')).body.totalResults).toBeGreaterThanOrEqual(10_004);
  });

  it('gives members of a project group the admin project role when the workspace sets projectRole: admin', async () => {
    const ws = await gw.workspace({ id: 'projects-admin', preset: 'activepieces', policy: { groups: { mode: 'projects', projectRole: 'admin' } } });
    const projects = scimClient(gw.app, ws.base, ws.token);
    const [ada, ben] = await Promise.all(['ada', 'ben'].map(async (name) => (await projects.post('/Users', userBody(`${name}@projects.example`))).body.id as string));
    const created = await projects.post('/Groups', group('Platform', { members: [{ value: ada }] }));
    expect(created.status).toBe(201);
    const added = await projects.patch(`/Groups/${created.body.id}`, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: ben }] }));
    expect(added.status).toBe(204);
    const rows = await db().selectFrom('group_member').select(['membership_id', 'project_role']).where('group_id', '=', created.body.id).execute();
    expect(rows.sort((x, y) => x.membership_id.localeCompare(y.membership_id))).toEqual([ada!, ben!].sort((x, y) => x.localeCompare(y)).map((membership_id) => ({ membership_id, project_role: 'admin' })));
    // The members' own workspace role is untouched by the project role.
    const roles = await db().selectFrom('membership').select('role').where('id', 'in', [ada!, ben!]).execute();
    expect(roles.map((r) => r.role)).toEqual(['viewer', 'viewer']);
  });
});
