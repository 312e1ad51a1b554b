import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setOwner } from '../../../src/admin/set-owner.js';
import type { RosterdEvent } from '../../../src/events/event.js';
import { emptyMemberFields } from '../../../src/model/member.js';
import type { Change } from '../../../src/model/plan.js';
import { applyChanges } from '../../../src/reconcile/apply.js';
import { lastEventSeq, readEvents } from '../../../src/store/event-repository.js';
import { GROUP_SCHEMA, patchOp, scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { userBody } from '../app-api/app-api-kit.js';
import { BASE44_URN } from '../scim/scim-kit.js';

/**
 * Every kind of applied write leaves exactly its events, in the transaction of the change: SCIM pushes, a pull's
 * apply and the CLI's owner changes; a refused or conflicting write leaves none. Sequence numbers have no gaps.
 */
describe.each(DIALECTS)('the event log on %s', (dialect) => {
  let gw: TestGateway;
  let scim: ReturnType<typeof scimClient>;
  const WS = 'events';

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    const ws = await gw.workspace({ id: WS, preset: 'base44-v2', policy: { deprovision: 'suspend' } });
    scim = scimClient(gw.app, ws.base, ws.token);
  });
  afterAll(() => gw.close());

  const seq = async () => (await lastEventSeq(gw.db.store.db, WS))!;
  /** The events a step wrote: everything after the sequence before it. */
  const during = async (step: () => Promise<unknown>): Promise<RosterdEvent[]> => {
    const from = await seq();
    await step();
    return readEvents(gw.db.store.db, WS, from, 10_000);
  };
  const created = async (userName: string) => {
    const response = await scim.post('/Users', userBody(userName));
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id as string;
  };

  it('writes member.created with the member as stored, the key name as source and the request as run', async () => {
    let id = '';
    const events = await during(async () => (id = await created('ada@acme.example')));
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ workspace: WS, type: 'member.created', source: 'scim:test' });
    expect(event!.runId).toEqual(expect.any(String));
    expect(event!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event!.data).toEqual({
      member: expect.objectContaining({ id, userName: 'ada@acme.example', externalId: 'ext-ada@acme.example', email: 'ada@acme.example', role: 'editor', active: true, owner: false, version: 1 }),
    });
  });

  it('writes member.updated with each changed field before → after', async () => {
    const id = await created('grace@acme.example');
    const events = await during(() => scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: `${BASE44_URN}:role`, value: 'admin' }, { op: 'replace', path: 'title', value: 'CTO' })));
    expect(events.map((e) => e.type)).toEqual(['member.updated']);
    expect(events[0]!.data).toEqual({
      member: expect.objectContaining({ id, role: 'admin', title: 'CTO', version: 2 }),
      changes: { role: { before: 'editor', after: 'admin' }, title: { before: null, after: 'CTO' } },
    });
  });

  it('writes member.suspended and member.reactivated as active moves', async () => {
    const id = await created('linus@acme.example');
    const off = await during(() => scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false })));
    expect(off.map((e) => e.type)).toEqual(['member.suspended']);
    expect(off[0]!.data).toMatchObject({ member: { id, active: false }, changes: { active: { before: true, after: false } } });
    const on = await during(() => scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: true })));
    expect(on.map((e) => e.type)).toEqual(['member.reactivated']);
    expect(on[0]!.data).toMatchObject({ member: { id, active: true } });
  });

  it('writes member.removed with the last state, and member.owner_changed from the CLI', async () => {
    const id = await created('ken@acme.example');
    const owner = await during(() => setOwner(gw.db.store, WS, 'ken@acme.example', true, () => new Date().toISOString()));
    expect(owner).toEqual([expect.objectContaining({ type: 'member.owner_changed', source: 'cli', data: { member: expect.objectContaining({ id, owner: true }), changes: { owner: { before: false, after: true } } } })]);
    await setOwner(gw.db.store, WS, 'ken@acme.example', false, () => new Date().toISOString());
    const removed = await during(() => scim.delete(`/Users/${id}`));
    expect(removed.map((e) => e.type)).toEqual(['member.removed']);
    expect(removed[0]!.data).toEqual({ member: expect.objectContaining({ id, userName: 'ken@acme.example', owner: false }) });
  });

  it('writes group.created, group.updated, group.member_added, group.member_removed and group.deleted', async () => {
    const a = await created('g1@acme.example');
    const b = await created('g2@acme.example');
    let groupId = '';
    const made = await during(async () => {
      const response = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Design', externalId: 'grp-design', members: [{ value: a }] });
      expect(response.status).toBe(201);
      groupId = response.body.id as string;
    });
    expect(made.map((e) => e.type)).toEqual(['group.created', 'group.member_added']);
    expect(made[0]!.data).toEqual({ group: expect.objectContaining({ id: groupId, displayName: 'Design', externalId: 'grp-design' }) });
    expect(made[1]!.data).toEqual({ group: expect.objectContaining({ id: groupId }), member: { id: a, userName: 'g1@acme.example', externalId: 'ext-g1@acme.example' }, projectRole: null });

    const renamed = await during(() => scim.patch(`/Groups/${groupId}`, patchOp({ op: 'replace', path: 'displayName', value: 'Design team' })));
    expect(renamed.map((e) => e.type)).toEqual(['group.updated']);
    expect(renamed[0]!.data).toMatchObject({ group: { id: groupId, displayName: 'Design team' }, changes: { displayName: { before: 'Design', after: 'Design team' } } });

    const moved = await during(() => scim.patch(`/Groups/${groupId}`, patchOp({ op: 'add', path: 'members', value: [{ value: b }] }, { op: 'remove', path: `members[value eq "${a}"]` })));
    expect(moved.map((e) => [e.type, (e.data as { member: { id: string } }).member.id]).sort()).toEqual([
      ['group.member_added', b],
      ['group.member_removed', a],
    ]);

    const deleted = await during(() => scim.delete(`/Groups/${groupId}`));
    expect(deleted.map((e) => e.type)).toEqual(['group.deleted']);
    expect(deleted[0]!.data).toEqual({ group: expect.objectContaining({ id: groupId, displayName: 'Design team' }) });
  });

  it('writes nothing for a refused write, a conflict or a change that changes nothing', async () => {
    const id = await created('hopper@acme.example');
    const events = await during(async () => {
      expect((await scim.post('/Users', userBody('bogus@acme.example', 'bogus'))).status).toBe(400);
      expect((await scim.post('/Users', userBody('hopper@acme.example'))).status).toBe(409);
      expect((await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: `${BASE44_URN}:role`, value: 'owner' }))).status).toBe(400);
      expect((await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: `${BASE44_URN}:role`, value: 'editor' }))).status).toBe(200);
    });
    expect(events).toEqual([]);
  });

  it("records a pull's changes with the connector as source and the plan as run", async () => {
    const now = new Date().toISOString();
    const change: Change = {
      action: 'create',
      kind: 'member',
      key: 'pulled@acme.example',
      targetId: '0193a0c0-0000-7000-8000-000000000001',
      before: null,
      after: { ...emptyMemberFields('pulled@acme.example'), externalId: 'entra-1', active: true, role: 'viewer', emails: [{ value: 'pulled@acme.example', primary: true }] },
      managedBy: 'entra',
    };
    let outcome: Awaited<ReturnType<typeof applyChanges>> | undefined;
    const events = await during(async () => (outcome = await applyChanges(gw.db.store, WS, [change], { actor: 'connector:entra', requestId: 'plan-1', now: () => now, mode: 'each' })));
    expect(outcome!.results.map((r) => [r.status, r.detail])).toEqual([['applied', undefined]]);
    expect(events).toEqual([expect.objectContaining({ type: 'member.created', source: 'connector:entra', runId: 'plan-1', occurredAt: now })]);
    expect(events[0]!.data).toMatchObject({ member: { userName: 'pulled@acme.example', managedBy: 'entra', role: 'viewer' } });
  });

  it('numbers every event 1, 2, 3, … without gaps, also under 20 concurrent writers', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => created(`burst${i}@acme.example`)));
    const all = await readEvents(gw.db.store.db, WS, 0, 100_000);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(await seq()).toBe(all.length);
    const burst = all.filter((e) => e.type === 'member.created' && (e.data as { member: { userName: string } }).member.userName.startsWith('burst'));
    expect(burst).toHaveLength(20);
  });

  it('records on each row the first sequence of the transaction that last wrote it', async () => {
    const id = await created('rows@acme.example');
    const [event] = await during(() => scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'Engineer' })));
    const row = await gw.db.store.db.selectFrom('membership').select('event_seq').where('id', '=', id).executeTakeFirstOrThrow();
    expect(Number(row.event_seq)).toBe(event!.seq);
  });
});
