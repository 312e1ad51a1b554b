import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appMemberOf, type AppMember } from '../../../src/events/app-resources.js';
import { rowToMember } from '../../../src/store/member-row.js';
import { patchOp, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { BASE44_URN } from '../scim/scim-kit.js';
import { userBody, v2Workspace, type AppResponse } from './app-api-kit.js';

/**
 * An app lists every page of members while SCIM keeps writing, then follows the events from the listing's eventSeq:
 * the state it builds equals the store, no event repeats a state the listing already gave, and nothing is missed.
 */
describe.each(DIALECTS)('list then follow on %s', (dialect) => {
  let gw: TestGateway;
  let ws: Awaited<ReturnType<typeof v2Workspace>>;
  const ids: string[] = [];

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    ws = await v2Workspace(gw, 'follow');
    for (let i = 0; i < 24; i++) {
      const created = await ws.scim.post('/Users', userBody(`seed${i}@acme.example`));
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
  });
  afterAll(() => gw.close());

  /** The writes made while a page is read: creates, updates, suspensions, removals, of rows before and after the cursor. */
  const writesFor = (round: number): (() => Promise<unknown>)[] => [
    () => ws.scim.post('/Users', userBody(`new${round}@acme.example`)),
    () => ws.scim.patch(`/Users/${ids[(round * 5) % ids.length]}`, patchOp({ op: 'replace', path: `${BASE44_URN}:role`, value: round % 2 ? 'admin' : 'viewer' })),
    () => ws.scim.patch(`/Users/${ids[(round * 7 + 3) % ids.length]}`, patchOp({ op: 'replace', path: 'title', value: `round ${round}` })),
    () => ws.scim.patch(`/Users/${ids[(round * 11 + 1) % ids.length]}`, patchOp({ op: 'replace', path: 'active', value: round % 3 !== 0 })),
    () => (round % 2 === 0 ? ws.scim.delete(`/Users/${ids[(round * 13 + 2) % ids.length]}`) : Promise.resolve()),
  ];

  it('builds exactly the store’s members from the pages and the events after their eventSeq', async () => {
    const state = new Map<string, AppMember>();
    let cursor: string | null = null;
    let eventSeq: number | undefined;
    let round = 0;
    do {
      // Each page is read while that round's writes run beside it.
      const [page]: [AppResponse, ...unknown[]] = await Promise.all([
        ws.app(`/workspaces/follow/members?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
        ...writesFor(round).map((write) => write()),
      ]);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      eventSeq ??= page.body.eventSeq;
      expect(page.body.eventSeq).toBe(eventSeq);
      for (const member of page.body.data as AppMember[]) {
        expect(state.has(member.id), `listed twice: ${member.id}`).toBe(false);
        state.set(member.id, member);
      }
      cursor = page.body.nextCursor;
      round++;
    } while (cursor !== null);
    expect(round).toBeGreaterThan(3);
    // Writes after the listing ended reach the app through the feed too.
    await Promise.all(writesFor(round).map((write) => write()));

    let after = eventSeq!;
    let applied = 0;
    for (;;) {
      const page = await ws.app(`/workspaces/follow/events?after=${after}&limit=7`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      if (page.body.data.length === 0) break;
      for (const event of page.body.data) {
        expect(event.seq).toBe(after + 1);
        after = event.seq;
        const member = event.data.member as AppMember;
        const held = state.get(member.id);
        if (event.type === 'member.removed') {
          state.delete(member.id);
        } else {
          // A state the listing (or an earlier event) already gave would come with a version not above it.
          if (event.type === 'member.created') expect(held, `created but already listed: ${member.userName}`).toBeUndefined();
          else if (held) expect(member.version, `${event.type} of ${member.userName}`).toBeGreaterThan(held.version);
          state.set(member.id, member);
        }
        applied++;
      }
    }
    expect(applied).toBeGreaterThan(0);

    const rows = await gw.db.store.db.selectFrom('membership').selectAll().where('workspace_id', '=', ws.id).execute();
    const stored = new Map(rows.map((row) => [row.id, appMemberOf(rowToMember(row))]));
    expect(new Map([...state].sort(([x], [y]) => x.localeCompare(y)))).toEqual(new Map([...stored].sort(([x], [y]) => x.localeCompare(y))));
  });
});
