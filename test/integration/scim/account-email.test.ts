import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { userBody, type Scim } from './scim-kit.js';

/** The account is the person across workspaces, "keyed by normalized email". */
describe.each(DIALECTS)('accounts keyed by normalized email on %s', (dialect) => {
  let gw: TestGateway;
  let a: Scim;
  let b: Scim;
  const db = () => gw.db.store.db;
  const accountIdOf = async (workspaceId: string, id: string) =>
    (await db().selectFrom('membership').select('account_id').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirstOrThrow()).account_id;
  const accountsLike = (email: string) => db().selectFrom('account').selectAll().where('email', 'in', [email, email.toLowerCase(), email.toUpperCase()]).execute();

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    const wsA = await gw.workspace({ id: 'ws-a', version: 'v2' });
    const wsB = await gw.workspace({ id: 'ws-b', version: 'v2' });
    a = scimClient(gw.app, wsA.base, wsA.token);
    b = scimClient(gw.app, wsB.base, wsB.token);
  });
  afterAll(() => gw.close());

  it('gives one account to a person whose email differs only in case between workspaces', async () => {
    const inA = await a.post('/Users', userBody('Both@Acme.example'));
    const inB = await b.post('/Users', userBody('both@acme.example'));
    expect(inA.status).toBe(201);
    expect(inB.status).toBe(201);
    // Two memberships, each with the userName and email exactly as its IdP sent them ...
    expect(inA.body.id).not.toBe(inB.body.id);
    expect(inA.body.emails[0].value).toBe('Both@Acme.example');
    expect(inB.body.emails[0].value).toBe('both@acme.example');
    // ... and one account, under the normalized email.
    const accounts = await accountsLike('Both@Acme.example');
    expect(accounts.map((row) => row.email)).toEqual(['both@acme.example']);
    expect(await accountIdOf('ws-a', inA.body.id)).toBe(accounts[0]!.id);
    expect(await accountIdOf('ws-b', inB.body.id)).toBe(accounts[0]!.id);
  });

  it('keys the account by the primary email, trimmed, and not by the userName', async () => {
    const inA = await a.post('/Users', userBody('upn-1@corp.example', { emails: [{ value: 'home@mail.example', type: 'home' }, { value: '  Person.One@Mail.Example ', type: 'work', primary: true }] }));
    const inB = await b.post('/Users', userBody('PERSON.ONE@MAIL.EXAMPLE'));
    expect(inA.status).toBe(201);
    expect(inB.status).toBe(201);
    const accounts = await accountsLike('person.one@mail.example');
    expect(accounts).toHaveLength(1);
    expect(await accountIdOf('ws-a', inA.body.id)).toBe(accounts[0]!.id);
    expect(await accountIdOf('ws-b', inB.body.id)).toBe(accounts[0]!.id);
    expect(await db().selectFrom('account').select('id').where('email', 'in', ['upn-1@corp.example', 'home@mail.example']).execute()).toEqual([]);
  });
});
