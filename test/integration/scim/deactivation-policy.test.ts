import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLog } from '../../../src/store/provisioning-log-repository.js';
import { DIALECTS } from '../../support/test-store.js';
import { patchOp, scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';
import { BASE44_URN } from './scim-kit.js';

/**
 * The policy runs on every write, deactivations included: a PUT or PATCH that suspends a member and also sets a value
 * the workspace refuses is refused whole (400, nothing changes), so no member is ever stored in a state it could not
 * be reactivated from. A bare deactivation, and the reactivation after it, go through.
 */
describe.each(DIALECTS)('deactivation under the policy on %s', (dialect) => {
  let gw: TestGateway;
  let scim: ReturnType<typeof scimClient>;
  const WS = 'suspends';

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    // V2 with Base44's extension, and suspension (not removal) on active=false.
    const ws = await gw.workspace({ id: WS, preset: 'base44-v2', policy: { deprovision: 'suspend' } });
    scim = scimClient(gw.app, ws.base, ws.token);
  });
  afterAll(() => gw.close());

  const body = (userName: string, extension: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    schemas: [USER_SCHEMA, BASE44_URN],
    userName,
    active: true,
    [BASE44_URN]: extension,
    ...extra,
  });
  const create = async (userName: string) => {
    const created = await scim.post('/Users', body(userName, { role: 'editor', creditLimit: 300 }));
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const state = async (id: string) => {
    const read = await scim.get(`/Users/${id}`);
    return { active: read.body.active, version: read.body.meta.version, extension: read.body[BASE44_URN] };
  };

  const refusals: [string, (userName: string) => unknown, RegExp][] = [
    ['a PUT with active false and role "owner"', (u) => body(u, { role: 'owner', creditLimit: 300 }, { active: false }), /role "owner" cannot be assigned through SCIM/],
    ['a PUT with active false and role "bogus"', (u) => body(u, { role: 'bogus' }, { active: false }), /role "bogus" is not a role of workspace/],
    ['a PUT with active false and a V1 seatType', (u) => body(u, { role: 'editor', seatType: 'builder' }, { active: false }), /seatType is a V1 attribute/],
  ];
  it.each(refusals)('refuses %s with 400 and changes nothing', async (_name, makeBody, detail) => {
    const userName = `put-${Math.random().toString(36).slice(2)}@acme.example`;
    const id = await create(userName);
    const before = await state(id);
    const put = await scim.put(`/Users/${id}`, makeBody(userName));
    expect(put.status).toBe(400);
    expect(put.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(put.body.detail).toMatch(detail);
    expect(await state(id)).toEqual(before);
  });

  it('refuses a PATCH that sets active=false with a role change the workspace refuses, or a credit limit on a viewer', async () => {
    const id = await create('patch@acme.example');
    const before = await state(id);
    for (const operations of [
      [{ op: 'replace', path: 'active', value: false }, { op: 'replace', path: `${BASE44_URN}:role`, value: 'bogus' }],
      [{ op: 'replace', path: 'active', value: false }, { op: 'replace', path: `${BASE44_URN}:role`, value: 'viewer' }],
      [{ op: 'replace', value: { active: false, [`${BASE44_URN}:role`]: 'owner' } }],
    ]) {
      const patched = await scim.patch(`/Users/${id}`, patchOp(...operations));
      expect(patched.status, JSON.stringify(patched.body)).toBe(400);
      expect(patched.body.scimType).toBe('invalidValue');
      expect(await state(id)).toEqual(before);
    }
    const refused = (await readLog(gw.db.store.db, WS, { limit: 100 })).filter((e) => e.result === 'refused' && e.targetId === id);
    expect(refused).toHaveLength(3);
    expect(refused.every((e) => e.errorStatus === 400)).toBe(true);
  });

  it('lets a bare deactivation through, and the member can be reactivated', async () => {
    const id = await create('bare@acme.example');
    const off = await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    const on = await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: true }));
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ active: true, [BASE44_URN]: { role: 'editor', creditLimit: 300 } });
    // A deactivation with a valid change besides goes through whole.
    const demoted = await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false }, { op: 'replace', path: `${BASE44_URN}:creditLimit`, value: 100 }));
    expect(demoted.status).toBe(200);
    expect(demoted.body).toMatchObject({ active: false, [BASE44_URN]: { role: 'editor', creditLimit: 100 } });
  });
});
