import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { appClient, appKeyFor, groupBody, userBody, v2Workspace, type AppResponse } from './app-api-kit.js';

/** The OpenAPI 3.1 document covers every route, and real responses, errors included, match its response schemas. */
describe.each(DIALECTS)('the app API OpenAPI document on %s', (dialect) => {
  let gw: TestGateway;
  let ws: Awaited<ReturnType<typeof v2Workspace>>;
  let doc: Record<string, any>;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    ws = await v2Workspace(gw, 'documented');
    const response = await gw.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    doc = JSON.parse(response.body) as Record<string, any>;
  });
  afterAll(() => gw.close());

  /** The document's schema for a path template, method and status. */
  const responseSchema = (template: string, status: number) => doc.paths[template]?.get?.responses?.[String(status)]?.content?.['application/json']?.schema;

  const check = (template: string, response: AppResponse) => {
    const schema = responseSchema(template, response.status);
    expect(schema, `${template} ${response.status} is documented`).toBeDefined();
    const validate = ajv.compile(schema);
    expect(validate(response.body), `${template} ${response.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  };

  it('is OpenAPI 3.1 with every route, its parameters and the bearer scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/events',
      '/api/v1/workspaces/{ws}/events',
      '/api/v1/workspaces/{ws}/groups',
      '/api/v1/workspaces/{ws}/groups/{id}',
      '/api/v1/workspaces/{ws}/groups/{id}/members',
      '/api/v1/workspaces/{ws}/members',
      '/api/v1/workspaces/{ws}/members/{id}',
    ]);
    const members = doc.paths['/api/v1/workspaces/{ws}/members'].get;
    expect(members.parameters.map((p: any) => `${p.in}:${p.name}`).sort()).toEqual(['path:ws', 'query:active', 'query:cursor', 'query:group', 'query:limit', 'query:role', 'query:seatType']);
    expect(doc.components.securitySchemes.appKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('describes the real responses of every route, events and errors included', async () => {
    const member = (await ws.scim.post('/Users', userBody('doc@acme.example', 'admin', { title: 'Writer' }))).body.id as string;
    const group = (await ws.scim.post('/Groups', groupBody('Docs', [member]))).body.id as string;
    expect((await ws.scim.patch(`/Users/${member}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Editor' }] })).status).toBe(200);
    const all = appClient(gw.app, await appKeyFor(gw, null, 'all'));
    const base = '/api/v1/workspaces/{ws}';
    const cases: [string, AppResponse][] = [
      [`${base}/members`, await ws.app('/workspaces/documented/members?limit=1')],
      [`${base}/members`, await ws.app('/workspaces/documented/members?limit=5000')],
      [`${base}/members`, await ws.app('/workspaces/documented/members?cursor=bad')],
      [`${base}/members/{id}`, await ws.app(`/workspaces/documented/members/${member}`)],
      [`${base}/members/{id}`, await ws.app('/workspaces/documented/members/none')],
      [`${base}/groups`, await ws.app('/workspaces/documented/groups')],
      [`${base}/groups/{id}`, await ws.app(`/workspaces/documented/groups/${group}`)],
      [`${base}/groups/{id}/members`, await ws.app(`/workspaces/documented/groups/${group}/members`)],
      [`${base}/events`, await ws.app('/workspaces/documented/events')],
      [`${base}/events`, await ws.app('/workspaces/documented/events?after=999')],
      [`${base}/events`, await appClient(gw.app, 'nope')('/workspaces/documented/events')],
      ['/api/v1/events', await all('/events')],
      ['/api/v1/events', await ws.app('/events')],
    ];
    const types = new Set(cases.flatMap(([, r]) => (Array.isArray(r.body.data) ? r.body.data.map((e: any) => e.type) : [])));
    expect([...types].filter((t) => typeof t === 'string').sort()).toEqual(['group.created', 'group.member_added', 'member.created', 'member.updated']);
    expect(new Set(cases.map(([, r]) => r.status))).toEqual(new Set([200, 400, 401, 403, 404]));
    for (const [template, response] of cases) check(template, response);
  });
});
