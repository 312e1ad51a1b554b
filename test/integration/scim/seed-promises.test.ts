import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setOwner } from '../../../src/admin/set-owner.js';
import { readLog } from '../../../src/store/provisioning-log-repository.js';
import { GROUP_SCHEMA, patchOp, scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { ACTIVEPIECES_URN, BASE44_URN, isScimError, readFixture, userBody, type Scim } from './scim-kit.js';

/**
 * One test per promise that the public SCIM setup guides of four products make to their customers: Base44 V1 and
 * V2 (Okta and Entra), Activepieces, Staffbase and a multi-tenant app-roles guide.
 */
describe.each(DIALECTS)('seed guide promises on %s', (dialect) => {
  let gw: TestGateway;
  const db = () => gw.db.store.db;

  /** A fresh workspace per test, so seat counts and userNames never collide. */
  let seq = 0;
  async function workspace(input: { preset?: string; version?: 'v1' | 'v2'; policy?: Record<string, unknown> } = {}): Promise<{ id: string; scim: Scim; token: string; base: string }> {
    const id = `seed-${++seq}`;
    const ws = await gw.workspace({ id, ...input } as Parameters<TestGateway['workspace']>[0]);
    return { id, scim: scimClient(gw.app, ws.base, ws.token), token: ws.token, base: ws.base };
  }
  const b44 = (userName: string, ext: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    userBody(userName, { schemas: [USER_SCHEMA, BASE44_URN], [BASE44_URN]: ext, ...extra });
  const rowOf = (workspaceId: string, id: string) => db().selectFrom('membership').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  const accountOf = (email: string) => db().selectFrom('account').selectAll().where('email', '=', email).executeTakeFirst();

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw.close());

  describe('Base44 V2: roles and credit limits', () => {
    it('takes the role from urn:base44:…:user:2.0:role and stores creditLimit for an editor', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      const created = await scim.post('/Users', b44('ed@acme.example', { role: 'editor', creditLimit: 500 }));
      expect(created.status).toBe(201);
      expect(created.body[BASE44_URN]).toMatchObject({ role: 'editor', creditLimit: 500 });
      expect(created.body.schemas).toContain(BASE44_URN);
      const read = await scim.get(`/Users/${created.body.id}`);
      expect(read.body[BASE44_URN]).toMatchObject({ role: 'editor', creditLimit: 500 });
    });

    it('refuses a creditLimit on a viewer with a detail that says to change the role or remove creditLimit', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      const refused = await scim.post('/Users', b44('viewer@acme.example', { role: 'viewer', creditLimit: 100 }));
      expect(refused.status).toBe(400);
      expect(isScimError(refused.body, 400)).toBe(true);
      expect(refused.body.scimType).toBe('invalidValue');
      expect(refused.body.detail).toMatch(/change the role/i);
      expect(refused.body.detail).toMatch(/remove creditLimit/i);
      expect((await scim.get('/Users?filter=userName eq "viewer@acme.example"')).body.totalResults).toBe(0);
    });

    it('accepts creditLimit 0 on a viewer (0 means no cap)', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      const created = await scim.post('/Users', b44('zero@acme.example', { role: 'viewer', creditLimit: 0 }));
      expect(created.status).toBe(201);
      expect(created.body[BASE44_URN].role).toBe('viewer');
    });

    it('treats an empty or absent creditLimit as no cap, and lets the IdP remove a cap', async () => {
      const { id, scim } = await workspace({ preset: 'base44-v2' });
      for (const [name, ext] of [['empty', { role: 'editor', creditLimit: '' }], ['null', { role: 'editor', creditLimit: null }], ['absent', { role: 'editor' }]] as const) {
        const created = await scim.post('/Users', b44(`cap-${name}@acme.example`, ext));
        expect(created.status, name).toBe(201);
        expect((await rowOf(id, created.body.id))?.credit_limit, name).toBeNull();
      }
      const capped = await scim.post('/Users', b44('capped@acme.example', { role: 'admin', creditLimit: 300 }));
      const removed = await scim.patch(`/Users/${capped.body.id}`, patchOp({ op: 'remove', path: `${BASE44_URN}:creditLimit` }));
      expect(removed.status).toBe(200);
      expect(removed.body[BASE44_URN].creditLimit).toBeUndefined();
      expect((await rowOf(id, capped.body.id))?.credit_limit).toBeNull();
    });

    it('refuses a negative or non-integer creditLimit', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      for (const creditLimit of [-5, 2.5, 'lots']) {
        const refused = await scim.post('/Users', b44(`credit-${String(creditLimit)}@acme.example`, { role: 'editor', creditLimit }));
        expect(refused.status, `creditLimit ${JSON.stringify(creditLimit)}`).toBe(400);
        expect(refused.body.scimType).toBe('invalidValue');
        expect(refused.body.detail).toMatch(/creditLimit/);
      }
    });

    it('refuses a PATCH that gives an existing viewer a credit limit, and changes nothing', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      const created = await scim.post('/Users', b44('later@acme.example', { role: 'viewer' }));
      const refused = await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'add', path: `${BASE44_URN}:creditLimit`, value: 50 }));
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toMatch(/remove creditLimit/);
      const read = await scim.get(`/Users/${created.body.id}`);
      expect(read.body[BASE44_URN].creditLimit).toBeUndefined();
      expect(read.body.meta.version).toBe(created.body.meta.version);
    });

    it('refuses seatType sent to a V2 workspace, even as an empty string, and says to remove it', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      for (const seatType of ['builder', '']) {
        const refused = await scim.post('/Users', b44(`seat-${seatType || 'empty'}@acme.example`, { role: 'editor', seatType }));
        expect(refused.status, `seatType ${JSON.stringify(seatType)}`).toBe(400);
        expect(refused.body.scimType).toBe('invalidValue');
        expect(refused.body.detail).toMatch(/remove seatType/);
      }
      // Okta sends seatType in its default namespace (top level) as well.
      const topLevel = await scim.post('/Users', userBody('seat-top@acme.example', { seatType: '' }));
      expect(topLevel.status).toBe(400);
      expect(topLevel.body.detail).toMatch(/seatType/);
    });

    it('refuses owner, member and guest roles and names the roles SCIM may assign', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      for (const role of ['owner', 'member', 'guest']) {
        const refused = await scim.post('/Users', b44(`${role}@acme.example`, { role }));
        expect(refused.status, role).toBe(400);
        expect(refused.body.scimType).toBe('invalidValue');
        expect(refused.body.detail).toContain(role);
        expect(refused.body.detail).toMatch(/admin, editor, viewer/);
      }
    });

    it('refuses a role that is not admin, editor or viewer', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      const refused = await scim.post('/Users', b44('super@acme.example', { role: 'superuser' }));
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toContain('superuser');
    });

    it('gives the default role (viewer) when no role is sent', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      const created = await scim.post('/Users', userBody('norole@acme.example'));
      expect(created.status).toBe(201);
      expect(created.body[BASE44_URN].role).toBe('viewer');
    });

    it('uses the workspace\'s configured default role', async () => {
      const { scim } = await workspace({ preset: 'base44-v2', policy: { defaultRole: 'editor' } });
      const created = await scim.post('/Users', userBody('defaulted@acme.example'));
      expect(created.body[BASE44_URN].role).toBe('editor');
    });

    it('re-matches a user when the admin remaps externalId to objectId and provisions on demand (Entra step 8)', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      const created = await scim.post('/Users', b44('remap@acme.example', { role: 'editor' }, { externalId: 'remap' }));
      const objectId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
      const patched = await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'Replace', path: 'externalId', value: objectId }));
      expect(patched.status).toBe(200);
      const found = await scim.get(`/Users?filter=externalId eq "${objectId}"&aadOptscim062020`);
      expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
    });

    it('updates the role and credit limit when the IdP changes them (Okta full PUT)', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      const created = await scim.post('/Users', b44('promote@acme.example', { role: 'editor' }));
      const put = await scim.put(`/Users/${created.body.id}`, { ...b44('promote@acme.example', { role: 'admin', creditLimit: 1000 }), id: created.body.id, meta: created.body.meta, groups: [] });
      expect(put.status).toBe(200);
      expect(put.body[BASE44_URN]).toMatchObject({ role: 'admin', creditLimit: 1000 });
    });

    it('removes the membership on active=false (unassign) but keeps the account', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      const created = await scim.post('/Users', b44('leaver@acme.example', { role: 'editor' }));
      const deactivated = await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'replace', value: { active: false } }));
      expect(deactivated.status).toBe(200);
      expect(deactivated.body).toMatchObject({ id: created.body.id, active: false });
      expect((await scim.get(`/Users/${created.body.id}`)).status).toBe(404);
      expect((await scim.get('/Users?filter=userName eq "leaver@acme.example"')).body.totalResults).toBe(0);
      expect(await accountOf('leaver@acme.example')).toBeDefined();
    });

    it('answers an Okta PUT deactivation (App Integration Wizard apps) with 200 and the last state, then removes', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      const created = await scim.post('/Users', b44('aiw@acme.example', { role: 'editor' }));
      const put = await scim.put(`/Users/${created.body.id}`, { ...b44('aiw@acme.example', { role: 'editor' }), active: false, id: created.body.id, meta: created.body.meta });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ id: created.body.id, userName: 'aiw@acme.example', active: false });
      expect((await scim.get(`/Users/${created.body.id}`)).status).toBe(404);
    });

    it('gives a re-added member a new membership with a new id', async () => {
      const { id, scim } = await workspace({ preset: 'base44-v2' });
      const first = await scim.post('/Users', b44('back@acme.example', { role: 'editor' }));
      const account = await accountOf('back@acme.example');
      await scim.patch(`/Users/${first.body.id}`, patchOp({ op: 'replace', value: { active: false } }));
      const again = await scim.post('/Users', b44('back@acme.example', { role: 'editor' }));
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(first.body.id);
      expect((await scim.get(`/Users/${first.body.id}`)).status).toBe(404);
      // The same person: the account row is reused, not duplicated.
      const row = await rowOf(id, again.body.id);
      expect(row?.account_id).toBe(account?.id);
    });

    it('removes the membership on DELETE but keeps the account', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      const created = await scim.post('/Users', b44('deleted@acme.example', { role: 'editor' }));
      expect((await scim.delete(`/Users/${created.body.id}`)).status).toBe(204);
      expect((await scim.get(`/Users/${created.body.id}`)).status).toBe(404);
      expect(await accountOf('deleted@acme.example')).toBeDefined();
    });

    it('keeps one account for a person in two workspaces, and removing one membership leaves the other', async () => {
      const a = await workspace({ preset: 'base44-v2' });
      const b = await workspace({ preset: 'base44-v2' });
      const inA = await a.scim.post('/Users', b44('both@acme.example', { role: 'editor' }));
      const inB = await b.scim.post('/Users', b44('both@acme.example', { role: 'admin' }));
      const rows = await db().selectFrom('membership').select(['account_id']).where('id', 'in', [inA.body.id, inB.body.id]).execute();
      expect(new Set(rows.map((r) => r.account_id)).size).toBe(1);
      await a.scim.delete(`/Users/${inA.body.id}`);
      expect((await b.scim.get(`/Users/${inB.body.id}`)).status).toBe(200);
    });
  });

  describe('owners are immune to SCIM', () => {
    it('refuses PATCH, PUT, deactivation and DELETE of an owner with 403 and points at rosterd members set-owner', async () => {
      const { id, scim } = await workspace({ preset: 'base44-v2' });
      const created = await scim.post('/Users', b44('owner@acme.example', { role: 'admin' }));
      await setOwner(gw.db.store, id, 'owner@acme.example', true, () => new Date().toISOString());
      const before = await rowOf(id, created.body.id);

      const attempts = [
        await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Renamed' })),
        await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'replace', value: { active: false } })),
        await scim.put(`/Users/${created.body.id}`, b44('owner@acme.example', { role: 'editor' })),
        await scim.delete(`/Users/${created.body.id}`),
      ];
      for (const attempt of attempts) {
        expect(attempt.status).toBe(403);
        expect(isScimError(attempt.body, 403)).toBe(true);
        expect(attempt.body.detail).toContain('rosterd members set-owner');
      }
      expect(await rowOf(id, created.body.id)).toEqual(before);
      const refused = (await readLog(db(), id, { limit: 50 })).filter((e) => e.result === 'refused');
      expect(refused.length).toBeGreaterThanOrEqual(4);
    });
  });

  describe('Base44 V1: seat types', () => {
    it('refuses role (and creditLimit) sent to a V1 workspace and says to send seatType instead', async () => {
      const { scim } = await workspace({ preset: 'base44-v1' });
      const withRole = await scim.post('/Users', b44('role@acme.example', { role: 'editor', seatType: 'builder' }));
      expect(withRole.status).toBe(400);
      expect(withRole.body.scimType).toBe('invalidValue');
      expect(withRole.body.detail).toMatch(/remove role/);
      expect(withRole.body.detail).toMatch(/seatType/);
      const withCredit = await scim.post('/Users', b44('credit@acme.example', { creditLimit: 10, seatType: 'builder' }));
      expect(withCredit.status).toBe(400);
      expect(withCredit.body.detail).toMatch(/creditLimit/);
    });

    it('accepts each valid seat type, at the top level (Okta) or in the extension', async () => {
      const { scim } = await workspace({ preset: 'base44-v1' });
      for (const seatType of ['starter', 'builder', 'pro', 'elite', 'elite_2', 'elite_3']) {
        const created = await scim.post('/Users', userBody(`${seatType}@acme.example`, { seatType }));
        expect(created.status, seatType).toBe(201);
        expect(created.body[BASE44_URN].seatType).toBe(seatType);
      }
      const inExtension = await scim.post('/Users', b44('ext@acme.example', { seatType: 'pro' }));
      expect(inExtension.status).toBe(201);
    });

    it('refuses an unknown seat type and lists the valid ones', async () => {
      const { scim } = await workspace({ preset: 'base44-v1' });
      const refused = await scim.post('/Users', b44('gold@acme.example', { seatType: 'gold' }));
      expect(refused.status).toBe(400);
      expect(refused.body.scimType).toBe('invalidValue');
      expect(refused.body.detail).toContain('gold');
      expect(refused.body.detail).toMatch(/starter, builder, pro, elite, elite_2, elite_3/);
    });

    it('refuses a create without seatType unless the workspace has a default', async () => {
      const bare = await workspace({ preset: 'base44-v1' });
      const refused = await bare.scim.post('/Users', userBody('noseat@acme.example'));
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toMatch(/seatType is required/);
      const withDefault = await workspace({ preset: 'base44-v1', policy: { defaultSeatType: 'starter' } });
      const created = await withDefault.scim.post('/Users', userBody('noseat@acme.example'));
      expect(created.status).toBe(201);
      expect(created.body[BASE44_URN].seatType).toBe('starter');
    });

    it('refuses the next member when a seat type is full, naming the seat type and its capacity', async () => {
      const { scim } = await workspace({ preset: 'base44-v1', policy: { seats: { builder: 2 } } });
      expect((await scim.post('/Users', b44('b1@acme.example', { seatType: 'builder' }))).status).toBe(201);
      expect((await scim.post('/Users', b44('b2@acme.example', { seatType: 'builder' }))).status).toBe(201);
      const full = await scim.post('/Users', b44('b3@acme.example', { seatType: 'builder' }));
      expect(full.status).toBe(400);
      expect(full.body.scimType).toBe('invalidValue');
      expect(full.body.detail).toContain('builder');
      expect(full.body.detail).toMatch(/\b2 builder seats\b/);
      // Other seat types are not limited.
      expect((await scim.post('/Users', b44('p1@acme.example', { seatType: 'pro' }))).status).toBe(201);
    });

    it('still updates members of a full seat type (only a new seat is refused)', async () => {
      const { scim } = await workspace({ preset: 'base44-v1', policy: { seats: { builder: 1 } } });
      const holder = await scim.post('/Users', b44('holder@acme.example', { seatType: 'builder' }));
      const put = await scim.put(`/Users/${holder.body.id}`, { ...b44('holder@acme.example', { seatType: 'builder' }), id: holder.body.id, title: 'Builder', groups: [] });
      expect(put.status).toBe(200);
      expect(put.body.title).toBe('Builder');
      const patched = await scim.patch(`/Users/${holder.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Holder' }));
      expect(patched.status).toBe(200);
    });

    it('never overfills a seat type when creates arrive at the same time', async () => {
      const { scim } = await workspace({ preset: 'base44-v1', policy: { seats: { builder: 2 } } });
      const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => scim.post('/Users', b44(`rush${i}@acme.example`, { seatType: 'builder' }))));
      expect(responses.filter((r) => r.status === 201)).toHaveLength(2);
      expect(responses.filter((r) => r.status === 400)).toHaveLength(4);
      expect((await scim.get('/Users?count=0')).body.totalResults).toBe(2);
    });

    it('refuses moving a member into a full seat type, and changes nothing', async () => {
      const { scim } = await workspace({ preset: 'base44-v1', policy: { seats: { builder: 1 } } });
      await scim.post('/Users', b44('b1@acme.example', { seatType: 'builder' }));
      const pro = await scim.post('/Users', b44('p1@acme.example', { seatType: 'pro' }));
      const moved = await scim.patch(`/Users/${pro.body.id}`, patchOp({ op: 'replace', path: `${BASE44_URN}:seatType`, value: 'builder' }));
      expect(moved.status).toBe(400);
      expect(moved.body.detail).toMatch(/1 builder seat\b/);
      expect((await scim.get(`/Users/${pro.body.id}`)).body[BASE44_URN].seatType).toBe('pro');
    });

    it('frees the seat when a member is unassigned (the preset removes on active=false)', async () => {
      const { scim } = await workspace({ preset: 'base44-v1', policy: { seats: { builder: 2 } } });
      const first = await scim.post('/Users', b44('b1@acme.example', { seatType: 'builder' }));
      await scim.post('/Users', b44('b2@acme.example', { seatType: 'builder' }));
      expect((await scim.post('/Users', b44('b3@acme.example', { seatType: 'builder' }))).status).toBe(400);
      const off = await scim.patch(`/Users/${first.body.id}`, patchOp({ op: 'replace', path: 'active', value: false }));
      expect([200, 204]).toContain(off.status);
      expect((await scim.post('/Users', b44('b3@acme.example', { seatType: 'builder' }))).status).toBe(201);
    });

    it('frees the seat of a suspended member, and refuses reactivating it while the seat type is full', async () => {
      const { scim } = await workspace({ preset: 'base44-v1', policy: { seats: { builder: 2 }, deprovision: 'suspend' } });
      const first = await scim.post('/Users', b44('b1@acme.example', { seatType: 'builder' }));
      await scim.post('/Users', b44('b2@acme.example', { seatType: 'builder' }));
      const suspended = await scim.patch(`/Users/${first.body.id}`, patchOp({ op: 'replace', path: 'active', value: false }));
      expect(suspended.status).toBe(200);
      expect(suspended.body.active).toBe(false);
      expect((await scim.post('/Users', b44('b3@acme.example', { seatType: 'builder' }))).status).toBe(201);
      const back = await scim.patch(`/Users/${first.body.id}`, patchOp({ op: 'replace', path: 'active', value: true }));
      expect(back.status).toBe(400);
      expect(back.body.detail).toMatch(/builder/);
      expect((await scim.get(`/Users/${first.body.id}`)).body.active).toBe(false);
    });
  });

  describe('Activepieces: platform role and groups as projects', () => {
    const ap = (userName: string, platformRole?: string) =>
      userBody(userName, { schemas: [USER_SCHEMA, ACTIVEPIECES_URN], ...(platformRole === undefined ? {} : { [ACTIVEPIECES_URN]: { platformRole } }) });

    it('maps platformRole ADMIN to admin, OPERATOR to editor and MEMBER to viewer', async () => {
      const { id, scim } = await workspace({ preset: 'activepieces' });
      for (const [platformRole, role] of [['ADMIN', 'admin'], ['OPERATOR', 'editor'], ['MEMBER', 'viewer']] as const) {
        const created = await scim.post('/Users', ap(`${platformRole.toLowerCase()}@acme.example`, platformRole));
        expect(created.status, platformRole).toBe(201);
        expect(created.body[ACTIVEPIECES_URN].platformRole).toBe(role);
        expect((await rowOf(id, created.body.id))?.role).toBe(role);
      }
    });

    it('gives the default role (viewer) when no platformRole is mapped', async () => {
      const { id, scim } = await workspace({ preset: 'activepieces' });
      const created = await scim.post('/Users', ap('plain@acme.example'));
      expect(created.status).toBe(201);
      expect((await rowOf(id, created.body.id))?.role).toBe('viewer');
    });

    it('changes the platform role with an Entra pathless PATCH of the URN-qualified attribute', async () => {
      const { id, scim } = await workspace({ preset: 'activepieces' });
      const created = await scim.post('/Users', ap('grow@acme.example', 'MEMBER'));
      const patched = await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'Replace', value: { [`${ACTIVEPIECES_URN}:platformRole`]: 'ADMIN' } }));
      expect(patched.status).toBe(200);
      expect((await rowOf(id, created.body.id))?.role).toBe('admin');
    });

    it('gives members of a group the editor project role, and the project the group name', async () => {
      const { id, scim } = await workspace({ preset: 'activepieces' });
      const alice = await scim.post('/Users', ap('alice@acme.example', 'MEMBER'));
      const bob = await scim.post('/Users', ap('bob@acme.example', 'MEMBER'));
      const group = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Growth', members: [{ value: alice.body.id }] });
      expect(group.status).toBe(201);
      const added = await scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: bob.body.id }] }));
      expect(added.status).toBe(204);
      const rows = await db().selectFrom('group_member').select(['membership_id', 'project_role']).where('group_id', '=', group.body.id).execute();
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.project_role === 'editor')).toBe(true);
      const project = await db().selectFrom('scim_group').select('app_name').where('workspace_id', '=', id).where('id', '=', group.body.id).executeTakeFirstOrThrow();
      expect(project.app_name).toBe('Growth');
    });

    it('uses the configured project role (SCIM_DEFAULT_PROJECT_ROLE=Viewer)', async () => {
      const { scim } = await workspace({ preset: 'activepieces', policy: { groups: { mode: 'projects', projectRole: 'viewer' } } });
      const alice = await scim.post('/Users', ap('alice@acme.example'));
      const group = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Readers', members: [{ value: alice.body.id }] });
      const rows = await db().selectFrom('group_member').select('project_role').where('group_id', '=', group.body.id).execute();
      expect(rows.map((r) => r.project_role)).toEqual(['viewer']);
    });
  });

  describe('multitenant app roles in the core roles attribute', () => {
    it('maps the app role display name in roles[primary eq "True"] to the workspace role', async () => {
      const { id, scim } = await workspace({ preset: 'multitenant-app-roles' });
      const created = await scim.post('/Users', userBody('approle@acme.example', { roles: [{ value: 'Admin', primary: true }] }));
      expect(created.status).toBe(201);
      expect((await rowOf(id, created.body.id))?.role).toBe('admin');
      // Entra sends primary as the string "True" when it writes roles[primary eq "True"].value.
      const stringly = await scim.post('/Users', userBody('approle2@acme.example', { roles: [{ value: 'Editor', primary: 'True' }] }));
      expect(stringly.status).toBe(201);
      expect((await rowOf(id, stringly.body.id))?.role).toBe('editor');
    });

    it('keeps the highest-precedence role when several roles arrive (AppRoleAssignmentsComplex)', async () => {
      const { id, scim } = await workspace({ preset: 'multitenant-app-roles' });
      const created = await scim.post('/Users', userBody('many@acme.example', { roles: [{ value: 'Viewer' }, { value: 'Admin' }, { value: 'Editor' }] }));
      expect(created.status).toBe(201);
      expect((await rowOf(id, created.body.id))?.role).toBe('admin');
      expect(created.body.roles).toHaveLength(3);
    });

    it('sets the role from an Entra PATCH of roles[primary eq "True"].value', async () => {
      const { id, scim } = await workspace({ preset: 'multitenant-app-roles' });
      const created = await scim.post('/Users', userBody('patchrole@acme.example'));
      expect((await rowOf(id, created.body.id))?.role).toBe('viewer');
      const patched = await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'Add', path: 'roles[primary eq "True"].value', value: 'Editor' }));
      expect(patched.status).toBe(200);
      expect((await rowOf(id, created.body.id))?.role).toBe('editor');
    });

    it('refuses an app role the workspace does not know', async () => {
      const { scim } = await workspace({ preset: 'multitenant-app-roles' });
      const refused = await scim.post('/Users', userBody('odd@acme.example', { roles: [{ value: 'Approver', primary: true }] }));
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toContain('Approver');
    });
  });

  describe('Staffbase: directory profile, soft delete, creation-only locale, group prefix', () => {
    it('stores the full directory profile as sent', async () => {
      const { scim } = await workspace({ preset: 'staffbase' });
      const manager = await scim.post('/Users', userBody('boss@acme.example'));
      const body = userBody('staff@acme.example', {
        schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
        externalId: 'staff@acme.example',
        name: { givenName: 'Sam', familyName: 'Staff' },
        title: 'Engineer',
        emails: [{ value: 'staff@acme.example', type: 'work', primary: true }],
        phoneNumbers: [{ value: '+49 170 1234567', type: 'mobile' }],
        addresses: [{ type: 'work', locality: 'Chemnitz', country: 'DE' }],
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D', manager: { value: manager.body.id } },
      });
      const created = await scim.post('/Users', body);
      expect(created.status).toBe(201);
      const read = await scim.get(`/Users/${created.body.id}`);
      expect(read.body).toMatchObject({
        title: 'Engineer',
        name: { givenName: 'Sam', familyName: 'Staff' },
        phoneNumbers: [{ value: '+49 170 1234567', type: 'mobile' }],
        addresses: [{ type: 'work', locality: 'Chemnitz', country: 'DE' }],
      });
      expect(read.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toMatchObject({ department: 'R&D', manager: { value: manager.body.id } });
    });

    it('keeps the locale set at creation when a later PUT or PATCH sends another one', async () => {
      const { scim } = await workspace({ preset: 'staffbase' });
      const created = await scim.post('/Users', userBody('lang@acme.example', { locale: 'de_DE' }));
      expect(created.body.locale).toBe('de_DE');
      const put = await scim.put(`/Users/${created.body.id}`, userBody('lang@acme.example', { locale: 'en_US', title: 'Lead' }));
      expect(put.status).toBe(200);
      expect(put.body.locale).toBe('de_DE');
      expect(put.body.title).toBe('Lead');
      const patched = await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'Replace', path: 'locale', value: 'it_IT' }));
      expect(patched.status).toBe(200);
      expect(patched.body.locale).toBe('de_DE');
    });

    it('suspends on active=false: the member is still there, inactive', async () => {
      const { id, scim } = await workspace({ preset: 'staffbase' });
      const created = await scim.post('/Users', userBody('soft@acme.example'));
      const off = await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
      expect(off.status).toBe(200);
      expect(off.body.active).toBe(false);
      const read = await scim.get(`/Users/${created.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body.active).toBe(false);
      expect(Number((await rowOf(id, created.body.id))?.active)).toBe(0);
    });

    it('shows the IdP group name over SCIM and stores "[SCIM] <name>" for the app, also after a rename', async () => {
      const { id, scim } = await workspace({ preset: 'staffbase' });
      const objectId = '6f1c2a9e-0b7d-4e38-a5c4-92d8e1f7b036';
      const group = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], externalId: objectId, displayName: 'Marketing' });
      expect(group.status).toBe(201);
      expect(group.body.displayName).toBe('Marketing');
      expect(group.body.externalId).toBe(objectId);
      const appName = async () =>
        (await db().selectFrom('scim_group').select('app_name').where('workspace_id', '=', id).where('id', '=', group.body.id).executeTakeFirstOrThrow()).app_name;
      expect(await appName()).toBe('[SCIM] Marketing');
      expect((await scim.get('/Groups?filter=displayName eq "Marketing"')).body.totalResults).toBe(1);
      await scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'Replace', path: 'displayName', value: 'Brand' }));
      expect((await scim.get(`/Groups/${group.body.id}`)).body.displayName).toBe('Brand');
      expect(await appName()).toBe('[SCIM] Brand');
    });

    it("lists a user's groups under the IdP's name, not the app's prefixed one", async () => {
      const { scim } = await workspace({ preset: 'staffbase' });
      const member = await scim.post('/Users', userBody('grouped@acme.example'));
      const group = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Sales', members: [{ value: member.body.id }] });
      const read = await scim.get(`/Users/${member.body.id}`);
      expect(read.body.groups).toEqual([expect.objectContaining({ value: group.body.id, display: 'Sales' })]);
      expect((await scim.get('/Groups?filter=displayName eq "[SCIM] Sales"')).body.totalResults).toBe(0);
    });

    it('removes the member on DELETE (hard delete) while the account stays', async () => {
      const { scim } = await workspace({ preset: 'staffbase' });
      const created = await scim.post('/Users', userBody('hard@acme.example'));
      expect((await scim.delete(`/Users/${created.body.id}`)).status).toBe(204);
      expect((await scim.get(`/Users/${created.body.id}`)).status).toBe(404);
      expect(await accountOf('hard@acme.example')).toBeDefined();
    });
  });

  describe('connection settings from the guides', () => {
    it('accepts the API key without a "Bearer" prefix (Base44 Okta guide)', async () => {
      const { base, token } = await workspace({ preset: 'base44-v2' });
      const bare = scimClient(gw.app, base, token, { authorization: token });
      expect((await bare.get('/Users')).status).toBe(200);
      expect((await bare.post('/Users', b44('bare@acme.example', { role: 'editor' }))).status).toBe(201);
    });

    it('accepts the Tenant URL with ?aadOptscim062020 (Base44 Entra guide)', async () => {
      const { scim } = await workspace({ preset: 'base44-v2' });
      expect((await scim.get('/Users?aadOptscim062020')).status).toBe(200);
      const created = await scim.post('/Users?aadOptscim062020', b44('flag@acme.example', { role: 'editor' }));
      expect(created.status).toBe(201);
      expect((await scim.patch(`/Users/${created.body.id}?aadOptscim062020`, patchOp({ op: 'replace', path: 'active', value: false }))).status).toBeLessThan(300);
    });
  });

  describe('Okta passwords are never stored', () => {
    it('drops the password of a create, a full PUT and a password-sync PATCH', async () => {
      const { id, scim } = await workspace({ version: 'v2' });
      const fixture = readFixture<{ body: Record<string, unknown> }>('okta', 'post-user-password-groups-locale.json');
      const password = fixture.body.password as string;
      const created = await scim.post('/Users', fixture.body);
      expect(created.status).toBe(201);
      expect(JSON.stringify(created.body)).not.toContain(password);
      const userId = created.body.id as string;

      const putPassword = 'Put-Secret-9!';
      const put = await scim.put(`/Users/${userId}`, { ...fixture.body, id: userId, password: putPassword, title: 'Rep', meta: { resourceType: 'User' } });
      expect(put.status).toBe(200);

      const syncPassword = 'Sync-Secret-7!';
      const sync = await scim.patch(`/Users/${userId}`, patchOp({ op: 'replace', value: { password: syncPassword } }, { op: 'replace', path: 'password', value: syncPassword }));
      expect(sync.status).toBe(200);
      expect(sync.body.id).toBe(userId);
      // Nothing but the password was sent, so nothing was written.
      expect(sync.body.meta.version).toBe(put.body.meta.version);

      const activate = await scim.patch(`/Users/${userId}`, patchOp({ op: 'replace', value: { active: true, password: syncPassword } }));
      expect(activate.status).toBe(200);

      const membership = await rowOf(id, userId);
      const logRows = await db().selectFrom('provisioning_log').selectAll().where('workspace_id', '=', id).execute();
      const accounts = await db().selectFrom('account').selectAll().execute();
      const everything = JSON.stringify({ membership, logRows, accounts });
      for (const secret of [password, putPassword, syncPassword]) expect(everything).not.toContain(secret);
      // And in no column of any table that could hold text.
      for (const table of ['membership', 'provisioning_log', 'account', 'scim_group', 'group_member']) {
        const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db());
        for (const secret of [password, putPassword, syncPassword]) expect(JSON.stringify(rows.rows), table).not.toContain(secret);
      }
    });
  });
});
