import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGraph } from '../../fake/graph/index.js';

/**
 * The fake Graph's fidelity (reference Part C, G1–G9), checked over plain fetch so it does not depend on the
 * connector: the shapes and limits a real tenant enforces and the SDK relies on.
 */
const fake = new FakeGraph();
let token = '';

async function call(path: string, init: RequestInit & { bearer?: string | null } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const headers = new Headers(init.headers);
  if (init.bearer !== null) headers.set('Authorization', `Bearer ${init.bearer ?? token}`);
  const res = await fetch(path.startsWith('https://') ? path : `${fake.origin}/v1.0${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

async function getToken(secret: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${fake.origin}/${fake.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: fake.clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' }),
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  await fake.start();
  token = (await getToken(fake.clientSecret)).body.access_token;
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  for (let i = 0; i < 5; i++) {
    fake.directory.addUser({ id: `u${i}`, userPrincipalName: `u${i}@contoso.test`, displayName: `User ${i}`, onPremisesExtensionAttributes: { extensionAttribute1: String(i) } });
    fake.directory.assign(`u${i}`, 'User', fake.directory.appRole('Admin').id);
  }
});

describe('fake graph', () => {
  it('issues client-credential tokens and rejects a wrong secret in the AADSTS shape', async () => {
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const bad = await getToken('wrong');
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(bad.body.error_description).toMatch(/^AADSTS7000215:/);
  });

  it('answers 401 without a bearer token, in Graph error shape with innerError', async () => {
    const r = await call('/users', { bearer: null });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token is empty.' });
    expect(Object.keys(r.body.error.innerError).sort()).toEqual(['client-request-id', 'date', 'request-id']);
    expect((await call('/users', { bearer: 'forged' })).status).toBe(401);
  });

  it('pages with absolute https nextLinks that keep the query, enforces $top 1–999 and applies $select', async () => {
    const sp = fake.directory.servicePrincipal.id;
    const first = await call(`/servicePrincipals/${sp}/appRoleAssignedTo?$top=2`);
    expect(first.body.value).toHaveLength(2);
    expect(first.body['@odata.nextLink']).toMatch(new RegExp(`^${fake.origin}/v1\\.0/servicePrincipals/${sp}/appRoleAssignedTo\\?\\$top=2&\\$skiptoken=`));
    const second = await call(first.body['@odata.nextLink']);
    expect(second.body.value.map((a: any) => a.principalId)).toEqual(['u2', 'u3']);
    expect((await call(`/servicePrincipals/${sp}/appRoleAssignedTo?$top=1000`)).body.error.message).toBe("Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
    expect((await call(`/servicePrincipals/${sp}/appRoleAssignedTo?$top=0`)).status).toBe(400);
    // $select trims each assignment to the properties asked for (id always comes); an unknown one is a 400.
    const selected = await call(`/servicePrincipals/${sp}/appRoleAssignedTo?$top=2&$select=principalId,principalType`);
    expect(selected.body.value.map((a: any) => Object.keys(a).sort())).toEqual([['id', 'principalId', 'principalType'], ['id', 'principalId', 'principalType']]);
    expect((await call(selected.body['@odata.nextLink'])).body.value[0]).toEqual({ id: expect.any(String), principalId: 'u2', principalType: 'User' });
    expect((await call(`/servicePrincipals/${sp}/appRoleAssignedTo?$select=principalId,color`)).body.error.message).toBe(
      "Could not find a property named 'color' on type 'microsoft.graph.appRoleAssignment'.",
    );
    const bySp = await call(`/servicePrincipals(appId='${fake.directory.servicePrincipal.appId}')?$select=id,appRoles`);
    expect(Object.keys(bySp.body).sort()).toEqual(['appRoles', 'id']);
    expect(bySp.body.appRoles.map((r: any) => r.id)).not.toContain('00000000-0000-0000-0000-000000000000');
  });

  it('filters users by id with at most 15 values and rejects dotted $select paths', async () => {
    const r = await call(`/users?$filter=id in ('u1','u3','missing')&$select=id,accountEnabled`);
    expect(r.body.value).toEqual([{ id: 'u1', accountEnabled: true }, { id: 'u3', accountEnabled: true }]);
    const sixteen = Array.from({ length: 16 }, (_, i) => `'x${i}'`).join(',');
    expect((await call(`/users?$filter=id in (${sixteen})`)).status).toBe(400);
    expect((await call('/users/u1?$select=onPremisesExtensionAttributes.extensionAttribute1')).status).toBe(400);
    expect((await call('/users/nobody')).body.error.code).toBe('Request_ResourceNotFound');
  });

  it('finds users by userPrincipalName or mail eq, case-insensitively, in the collection shape with $select', async () => {
    fake.directory.addUser({ id: 'q1', userPrincipalName: "o'brien@contoso.test", mail: 'R&D+1#x@contoso.test', displayName: 'Quote' });
    const filter = (clause: string) => `$filter=${encodeURIComponent(clause)}`;
    const byUpn = await call(`/users?${filter("userPrincipalName eq 'O''Brien@Contoso.TEST'")}&$select=id,displayName`);
    expect(byUpn.status).toBe(200);
    expect(byUpn.body).toEqual({ '@odata.context': `${fake.origin}/v1.0/$metadata#users(id,displayName)`, value: [{ id: 'q1', displayName: 'Quote' }] });
    const byMail = await call(`/users?${filter("mail eq 'r&d+1#X@contoso.test'")}&$select=id,mail`);
    expect(byMail.body.value).toEqual([{ id: 'q1', mail: 'R&D+1#x@contoso.test' }]);
    // No match is an empty collection; a user in deletedItems is not found.
    const none = await call(`/users?${filter("userPrincipalName eq 'nobody@contoso.test'")}`);
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ '@odata.context': `${fake.origin}/v1.0/$metadata#users`, value: [] });
    fake.directory.softDeleteUser('u1');
    expect((await call(`/users?${filter("userPrincipalName eq 'u1@contoso.test'")}`)).body.value).toEqual([]);
    // The same request inside $batch, whose urls travel as written.
    const requests = [{ id: '1', method: 'GET', url: `/users?${filter("userPrincipalName eq 'u2@contoso.test'")}&$select=id` }];
    const batch = await call('/$batch', { method: 'POST', body: JSON.stringify({ requests }), headers: { 'Content-Type': 'application/json' } });
    expect(batch.body.responses[0]).toMatchObject({ status: 200, body: { value: [{ id: 'u2' }] } });
  });

  it('answers a $filter it does not serve with a 400 in Graph error shape', async () => {
    const unsupported = await call(`/users?$filter=${encodeURIComponent("jobTitle eq 'x'")}`);
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error).toMatchObject({
      code: 'Request_UnsupportedQuery',
      message: "Unsupported or invalid query filter clause specified for property 'jobTitle' of resource 'User'.",
    });
    expect(Object.keys(unsupported.body.error.innerError).sort()).toEqual(['client-request-id', 'date', 'request-id']);
    expect((await call(`/users?$filter=${encodeURIComponent("startswith(userPrincipalName,'u')")}`)).body.error.code).toBe('Request_UnsupportedQuery');
    // A quote that is not doubled ends the literal early.
    expect((await call(`/users?$filter=${encodeURIComponent("userPrincipalName eq 'o'brien@contoso.test'")}`)).status).toBe(400);
    expect((await call(`/users?$filter=${encodeURIComponent("id in ('u1',u2)")}`)).status).toBe(400);
  });

  it('runs $batch with at most 20 unique, relative requests and answers out of order', async () => {
    const requests = ['u0', 'u1', 'u2', 'nobody'].map((id, i) => ({ id: String(i + 1), method: 'GET', url: `/users/${id}?$select=id` }));
    const r = await call('/$batch', { method: 'POST', body: JSON.stringify({ requests }), headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(200);
    expect(r.body.responses.map((x: any) => x.id)).not.toEqual(['1', '2', '3', '4']);
    expect(r.body.responses.find((x: any) => x.id === '4').status).toBe(404);
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users/u0' }));
    expect((await call('/$batch', { method: 'POST', body: JSON.stringify({ requests: many }) })).status).toBe(400);
    const dup = [{ id: 'a', method: 'GET', url: '/users/u0' }, { id: 'A', method: 'GET', url: '/users/u1' }];
    expect((await call('/$batch', { method: 'POST', body: JSON.stringify({ requests: dup }) })).status).toBe(400);
    fake.injectBatchItemFault({ count: 1, retryAfterSeconds: 1 });
    const throttled = await call('/$batch', { method: 'POST', body: JSON.stringify({ requests: requests.slice(0, 1) }) });
    expect(throttled.body.responses[0]).toMatchObject({ status: 429, headers: { 'Retry-After': '1' } });
  });

  it('serves /users/delta with select-encoding tokens, @removed, minimal responses, replays and expiry', async () => {
    fake.deltaPageSize = 2;
    let url = '/users/delta?$select=id,displayName';
    const seen: any[] = [];
    let deltaLink = '';
    while (url) {
      const page = (await call(url)).body;
      seen.push(...page.value);
      if (page['@odata.nextLink']) expect(page['@odata.nextLink']).not.toContain('$select');
      url = page['@odata.nextLink'];
      deltaLink = page['@odata.deltaLink'] ?? deltaLink;
    }
    expect(seen).toHaveLength(5);
    expect(Object.keys(seen[0]).sort()).toEqual(['displayName', 'id']);

    fake.directory.updateUser('u0', { displayName: 'Renamed' });
    fake.directory.updateUser('u1', { jobTitle: 'not selected, not reported' });
    fake.directory.softDeleteUser('u2');
    fake.directory.hardDeleteUser('u3');
    const round = async (headers: Record<string, string> = {}) => {
      const out: any[] = [];
      for (let next: string | undefined = deltaLink; next; ) {
        const page: { value: any[]; '@odata.nextLink'?: string } = (await call(next, { headers })).body;
        out.push(...page.value);
        next = page['@odata.nextLink'];
      }
      return out;
    };
    const changes = await round();
    expect(changes).toEqual([
      { id: 'u0', displayName: 'Renamed' },
      { id: 'u2', '@removed': { reason: 'changed' } },
      { id: 'u3', '@removed': { reason: 'deleted' } },
    ]);
    expect(await round()).toEqual(changes);
    fake.directory.updateUser('u4', { displayName: 'Minimal' });
    expect((await round({ Prefer: 'return=minimal' })).find((c) => c.id === 'u4')).toEqual({ id: 'u4', displayName: 'Minimal' });

    fake.expireDeltaTokens();
    const expired = await call(deltaLink);
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('syncStateNotFound');
    expect(expired.headers.get('location')).toMatch(/\/users\/delta\?\$deltatoken=$/);
  });

  it('lists group members with @odata.type and requires the advanced-query headers for a cast', async () => {
    fake.directory.addOtherObject('d1', 'Laptop', 'device');
    fake.directory.addGroup('g1', 'G1', ['u0', 'd1']);
    const r = await call('/groups/g1/members?$select=id');
    expect(r.body.value).toEqual([{ '@odata.type': '#microsoft.graph.user', id: 'u0' }, { '@odata.type': '#microsoft.graph.device', id: 'd1' }]);
    expect((await call('/groups/g1/members/microsoft.graph.user')).status).toBe(400);
    const cast = await call('/groups/g1/members/microsoft.graph.user?$count=true', { headers: { ConsistencyLevel: 'eventual' } });
    expect(cast.body.value.map((m: any) => m.id)).toEqual(['u0']);
  });

  it('injects faults with Retry-After and counts requests', async () => {
    const before = fake.requestCount();
    fake.injectFault({ status: 503, count: 1, retryAfterSeconds: 1 });
    const r = await call('/users');
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('1');
    expect((await call('/users')).status).toBe(200);
    expect(fake.requestCount() - before).toBe(2);
    fake.granted.delete('User.Read.All');
    expect((await call('/users')).body.error.code).toBe('Authorization_RequestDenied');
  });

  it('holds a request a timeout fault hangs until reset, and says when it holds one', async () => {
    fake.injectFault({ status: 'timeout', count: 1 });
    const held = fake.whenHeld();
    const hung = call('/users').then(
      () => 'answered',
      () => 'dropped',
    );
    await held;
    expect(fake.heldCount).toBe(1);
    fake.reset();
    expect(await hung).toBe('dropped');
    expect(fake.heldCount).toBe(0);
  });
});
