import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchOp, scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { DEFAULT_WORKSPACE_URN, ENTERPRISE_URN, userBody, type Scim } from './scim-kit.js';

/** An attribute as /Schemas renders it (RFC 7643 §7). */
interface AdvertisedAttribute {
  name: string;
  type: string;
  multiValued: boolean;
  mutability: string;
  returned: string;
  canonicalValues?: string[];
  subAttributes?: AdvertisedAttribute[];
}

/** What a client may write and will read back: not read-only, not write-only (never returned). */
const writableAndReturned = (a: AdvertisedAttribute) => a.mutability !== 'readOnly' && a.returned !== 'never';

/**
 * A distinct value of the attribute's type for each attribute, and for multi-valued complex attributes two
 * elements carrying every sub-attribute (the second one not primary), so that dropping, renaming, coercing or
 * reordering anything shows.
 */
function sampleOf(attribute: AdvertisedAttribute, label: string, element = 0): unknown {
  if (attribute.type === 'complex') {
    if (attribute.multiValued && element === 0) return [0, 1].map((i) => sampleOf(attribute, label, i + 1));
    const subs = (attribute.subAttributes ?? []).filter(writableAndReturned);
    return Object.fromEntries(subs.map((sub) => [sub.name, sampleOf(sub, `${label}.${sub.name}`, element)]));
  }
  if (attribute.canonicalValues && attribute.canonicalValues.length > 1) return attribute.canonicalValues[Math.max(0, element - 1)];
  switch (attribute.type) {
    case 'boolean':
      // `primary` may be true on one element only.
      return element <= 1;
    case 'integer':
      return 7 + element;
    case 'decimal':
      return 7.5 + element;
    case 'dateTime':
      return `2026-0${element + 1}-02T03:04:05.000Z`;
    case 'reference':
      return `https://people.example/${label}/${element}`;
    case 'binary':
      return Buffer.from(`${label} ${element}`).toString('base64');
    default:
      return `${label} ${element} Ünïcode ✓`;
  }
}

/**
 * "Stored exactly as sent" (the membership model) against what /Schemas promises: a User carrying every
 * attribute and sub-attribute the server advertises comes back unchanged. The list is read from /Schemas, so an
 * attribute advertised but not stored fails here.
 */
describe.each(DIALECTS)('User round trip on %s', (dialect) => {
  let gw: TestGateway;
  let scim: Scim;
  let core: AdvertisedAttribute[];
  let enterprise: AdvertisedAttribute[];

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    const ws = await gw.workspace({ id: 'acme', version: 'v2' });
    scim = scimClient(gw.app, ws.base, ws.token);
    const schemas = await scim.get('/Schemas');
    expect(schemas.status).toBe(200);
    const byId = new Map<string, { attributes: AdvertisedAttribute[] }>(schemas.body.Resources.map((s: { id: string }) => [s.id, s]));
    core = byId.get(USER_SCHEMA)!.attributes;
    enterprise = byId.get(ENTERPRISE_URN)!.attributes;
  });
  afterAll(() => gw.close());

  /** The body: every advertised, writable, returned attribute, plus the workspace's own extension. */
  async function fullUser(userName: string): Promise<Record<string, unknown>> {
    const manager = await scim.post('/Users', userBody(`boss.of.${userName}`));
    const body: Record<string, unknown> = { schemas: [USER_SCHEMA, ENTERPRISE_URN, DEFAULT_WORKSPACE_URN], externalId: `ext-${userName}` };
    for (const attribute of core.filter(writableAndReturned)) body[attribute.name] = sampleOf(attribute, attribute.name);
    body.userName = userName;
    body.active = true;
    // Real addresses: the primary email is the person's account key.
    for (const [i, email] of (body.emails as Record<string, unknown>[]).entries()) email.value = `${email.type}.${i}.${userName}`;
    const extension: Record<string, unknown> = {};
    for (const attribute of enterprise.filter(writableAndReturned)) extension[attribute.name] = sampleOf(attribute, attribute.name);
    // The manager is a User of the workspace, referred to by its id and URL.
    extension.manager = { value: manager.body.id, $ref: manager.body.meta.location };
    body[ENTERPRISE_URN] = extension;
    body[DEFAULT_WORKSPACE_URN] = { role: 'editor', creditLimit: 250 };
    return body;
  }

  /** A resource without what the server sets: id, meta and the groups it is in. */
  const clientPart = (resource: Record<string, unknown>) => {
    const { id: _id, meta: _meta, groups: _groups, ...rest } = resource;
    return rest;
  };

  it('advertises the attributes a User is made of, and only those', () => {
    const names = core.map((a) => a.name);
    for (const stored of ['userName', 'name', 'displayName', 'emails', 'phoneNumbers', 'addresses', 'title', 'locale', 'preferredLanguage', 'active', 'roles', 'groups']) {
      expect(names).toContain(stored);
    }
    for (const dropped of ['password', 'ims', 'photos', 'entitlements', 'x509Certificates']) expect(names).not.toContain(dropped);
    expect(enterprise.map((a) => a.name).sort()).toEqual(['costCenter', 'department', 'division', 'employeeNumber', 'manager', 'organization']);
    expect(core.find((a) => a.name === 'name')!.subAttributes!.map((a) => a.name)).toEqual(expect.arrayContaining(['givenName', 'familyName', 'formatted']));
  });

  it('gives back every advertised attribute exactly as it was sent, on POST and on PUT', async () => {
    const sent = await fullUser('every.attribute@example.com');
    const created = await scim.post('/Users', sent);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(clientPart(created.body)).toEqual(sent);
    const read = await scim.get(`/Users/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(clientPart(read.body)).toEqual(sent);
    // Stored, not just echoed: the list reads rows too.
    const listed = await scim.get(`/Users?filter=${encodeURIComponent('externalId eq "ext-every.attribute@example.com"')}`);
    expect(clientPart(listed.body.Resources[0])).toEqual(sent);

    // An Okta PUT of the same object, with different values in every attribute, is stored as exactly.
    const changed = JSON.parse(JSON.stringify(sent).replaceAll(' Ünïcode ✓', ' changed')) as Record<string, unknown>;
    const put = await scim.put(`/Users/${created.body.id}`, { ...changed, id: created.body.id, meta: created.body.meta });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(clientPart((await scim.get(`/Users/${created.body.id}`)).body)).toEqual(changed);
  });

  it('accepts the RFC attributes it does not store, and drops them, on POST, PUT and PATCH', async () => {
    const unstored = {
      password: 'Secr3t!',
      ims: [{ value: 'pat.skype', type: 'skype' }],
      photos: [{ value: 'https://photos.example/pat.jpg', type: 'photo' }],
      entitlements: [{ value: 'Premium' }],
      x509Certificates: [{ value: 'MIIDQTCCAimgAwIBAgITBmyf' }],
    };
    const created = await scim.post('/Users', userBody('unstored@example.com', unstored));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const put = await scim.put(`/Users/${created.body.id}`, userBody('unstored@example.com', { ...unstored, title: 'Kept' }));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const patches = [
      patchOp({ op: 'add', path: 'entitlements', value: [{ value: 'Gold' }] }),
      patchOp({ op: 'Add', path: 'photos[type eq "thumbnail"].value', value: 'https://photos.example/t.jpg' }),
      patchOp({ op: 'remove', path: `${USER_SCHEMA}:ims` }),
      patchOp({ op: 'replace', value: { x509Certificates: [{ value: 'MIIB' }], nickName: 'Pat' } }),
      patchOp({ op: 'replace', path: USER_SCHEMA, value: { IMS: [{ value: 'pat.xmpp', type: 'xmpp' }], displayName: 'Pat U.' } }),
    ];
    for (const body of patches) {
      const patched = await scim.patch(`/Users/${created.body.id}`, body);
      expect(patched.status, JSON.stringify(body)).toBe(200);
    }
    const read = await scim.get(`/Users/${created.body.id}`);
    expect(read.body).toMatchObject({ title: 'Kept', nickName: 'Pat', displayName: 'Pat U.' });
    for (const name of Object.keys(unstored)) expect(read.body, name).not.toHaveProperty([name]);
    // Attributes no schema knows, and extensions the workspace does not speak, are ignored on create too.
    const custom = await scim.post('/Users', userBody('custom@example.com', { shoeSize: 44, 'urn:example:params:scim:schemas:extension:hr:2.0:User': { badge: 'B-7' } }));
    expect(custom.status, JSON.stringify(custom.body)).toBe(201);
    expect(custom.body).not.toHaveProperty('shoeSize');
  });
});
