import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BindingMapping } from '../../../src/connector/binding-mapping.js';
import type { ConnectorLogger } from '../../../src/connector/connector.js';
import { reconcile } from '../../../src/reconcile/reconciler.js';
import { findMemberByExternalId, listMembers } from '../../../src/store/member-repository.js';
import { entraHarness } from '../../contract/entra-harness.js';
import { patchOp, scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS, type TestDialect } from '../../support/test-store.js';

/**
 * Push and pull write one row, and the row records which source last wrote each field. A pull writes
 * as `connector:<binding>`, a SCIM push as `key:<keyId>`, each only the fields it changed; `rosterd members --json`
 * prints the record (it lists members through listMembers, as read here).
 */
const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };
const WS = 'acme';

describe.each(DIALECTS)('which source wrote each field, on %s', (dialect: TestDialect) => {
  const h = entraHarness();
  let gw: TestGateway;
  let scim: ReturnType<typeof scimClient>;
  let key: string;
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(async () => {
    h.reset();
    gw = await startTestGateway(dialect);
    const ws = await gw.workspace({ id: WS, version: 'v2' });
    scim = scimClient(gw.app, ws.base, ws.token);
    const { id } = await gw.db.store.db.selectFrom('api_key').select('id').where('workspace_id', '=', WS).executeTakeFirstOrThrow();
    key = `key:${id}`;
  });
  afterEach(() => gw.close());

  const mapping: Partial<BindingMapping> = { attributes: { department: h.departmentSource } };
  const pull = () =>
    reconcile(
      { store: gw.db.store, config: { connectors: [{ workspace: WS, kind: 'entra', schedule: '* * * * *', settings: {} }] }, log: quiet, clock: () => new Date(), connectorFor: async () => h.connector({ mapping }) },
      { workspaceId: WS, mode: 'full', dryRun: false, trigger: 'cli' },
    );
  // As `rosterd members --json` reads them: listMembers with fieldSources (SCIM reads leave them out).
  const withSources = async (externalId: string) =>
    (await listMembers(gw.db.store.db, WS, undefined, { offset: 0, limit: 100, fieldSources: true })).members.find((m) => m.externalId === externalId);
  const sourcesOf = async (externalId: string) => (await withSources(externalId))?.fieldSources;

  it('a pull creates the member, a SCIM push changes its title, and the member says who wrote which field', async () => {
    h.addUser({ id: 'u-1', userName: 'ada@example.test', givenName: 'Ada', familyName: 'Lovelace', email: 'ada@example.test', profile: { [h.departmentSource]: 'Sales' } });
    h.assignUser('u-1', 'editor');
    expect(await pull()).toMatchObject({ result: 'applied', summary: { create: 1 } });
    // Only the fields the pull set: nothing is recorded for the fields left empty.
    expect(await sourcesOf('u-1')).toEqual({
      externalId: 'connector:entra',
      userName: 'connector:entra',
      active: 'connector:entra',
      displayName: 'connector:entra',
      givenName: 'connector:entra',
      familyName: 'connector:entra',
      emails: 'connector:entra',
      department: 'connector:entra',
      role: 'connector:entra',
    });

    const member = (await findMemberByExternalId(gw.db.store.db, WS, 'u-1'))!;
    const patched = await scim.patch(`/Users/${member.id}`, patchOp({ op: 'replace', path: 'title', value: 'CTO' }));
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const afterPush = await sourcesOf('u-1');
    expect(afterPush).toMatchObject({ title: key, department: 'connector:entra', userName: 'connector:entra', role: 'connector:entra' });

    expect(await withSources('u-1')).toMatchObject({ userName: 'ada@example.test', title: 'CTO', department: 'Sales' });
    // A SCIM read does not parse the record.
    expect((await findMemberByExternalId(gw.db.store.db, WS, 'u-1'))!.fieldSources).toBeUndefined();

    // The IdP moves Ada to Finance: the pull writes the department again and leaves the pushed title alone.
    h.updateUser('u-1', { profile: { [h.departmentSource]: 'Finance' } });
    expect(await pull()).toMatchObject({ result: 'applied', summary: { update: 1 } });
    expect(await findMemberByExternalId(gw.db.store.db, WS, 'u-1')).toMatchObject({ department: 'Finance', title: 'CTO' });
    expect(await sourcesOf('u-1')).toMatchObject({ title: key, department: 'connector:entra' });
  });

  it('a SCIM push records the fields it wrote, and a pull that links the member takes over only those it changes', async () => {
    const created = await scim.post('/Users', {
      schemas: [USER_SCHEMA],
      externalId: 'u-2',
      userName: 'ben@example.test',
      name: { givenName: 'Ben', familyName: 'Okafor' },
      emails: [{ value: 'ben@example.test', type: 'work', primary: true }],
      title: 'Engineer',
      roles: [{ value: 'editor', primary: true }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const pushed = (await sourcesOf('u-2'))!;
    expect(pushed).toMatchObject({ externalId: key, userName: key, givenName: key, familyName: key, emails: key, title: key, role: key });
    expect(pushed).not.toHaveProperty('department');

    // The same person in Entra, in the Design department: the pull links the pushed row and writes the department.
    h.addUser({ id: 'u-2', userName: 'ben@example.test', givenName: 'Ben', familyName: 'Okafor', email: 'ben@example.test', profile: { [h.departmentSource]: 'Design' } });
    h.assignUser('u-2', 'editor');
    const linked = await pull();
    expect(linked).toMatchObject({ result: 'applied', summary: { update: 1, create: 0 } });
    const member = await withSources('u-2');
    expect(member).toMatchObject({ managedBy: 'entra', department: 'Design', title: 'Engineer' });
    expect(member!.fieldSources).toMatchObject({ department: 'connector:entra', userName: key, title: key, externalId: key });
  });
});
