import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PARAM_LENGTH } from '../../../src/scim/scim-error-handler.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { isScimError } from './scim-kit.js';

const SECRET = 'hunter2-correct-horse';
const BODY_LIMIT = 4096;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, any>;
}

/** Send `request` as bytes on a fresh connection and read what comes back until the server closes it. */
function rawExchange(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: body ? (JSON.parse(body) as Record<string, any>) : {} });
    });
    socket.write(request);
  });
}

function expectScimError(response: { status: number; headers: Record<string, unknown>; body: Record<string, any> }, status: number, scimType?: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(isScimError(response.body, status), JSON.stringify(response.body)).toBe(true);
  expect(String(response.headers['content-type'])).toMatch(/^application\/scim\+json/);
  if (scimType !== undefined) expect(response.body.scimType).toBe(scimType);
}

/** Framework- and Node-level refusals, on one database: none of them reaches the store. */
describe('errors the framework and Node.js raise, as SCIM errors', () => {
  let gw: TestGateway;
  let token: string;
  let base: string;
  let port: number;
  const injected = async (options: InjectOptions) => {
    const response = await gw.app.inject(options);
    return { status: response.statusCode, headers: response.headers as Record<string, unknown>, body: JSON.parse(response.body) as Record<string, any> };
  };

  beforeAll(async () => {
    gw = await startTestGateway('sqlite', { server: { bodyLimit: BODY_LIMIT } });
    ({ token, base } = await gw.workspace({ id: 'acme', version: 'v2' }));
    await gw.app.listen({ port: 0, host: '127.0.0.1' });
    port = (gw.app.server.address() as AddressInfo).port;
  });
  afterAll(() => gw.close());

  it('answers an id longer than the router takes with 414', async () => {
    const response = await injected({ method: 'GET', url: `${base}/Users/${'a'.repeat(MAX_PARAM_LENGTH + 1)}`, headers: { authorization: `Bearer ${token}` } });
    expectScimError(response, 414);
    expect(response.body.detail).not.toContain('aaaa');
    const request = `GET ${base}/Groups/${'b'.repeat(MAX_PARAM_LENGTH + 100)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`;
    expectScimError(await rawExchange(port, request), 414);
  });

  it('answers a malformed percent-encoding in the path with 400 invalidSyntax', async () => {
    expectScimError(await injected({ method: 'GET', url: `${base}/Users/%E0%A4%A`, headers: { authorization: `Bearer ${token}` } }), 400, 'invalidSyntax');
  });

  it('answers a body over server.bodyLimit with 413', async () => {
    const payload = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'big@example.com', title: 'x'.repeat(BODY_LIMIT) });
    const response = await injected({ method: 'POST', url: `${base}/Users`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, payload });
    expectScimError(response, 413);
    expect(response.body.detail).toContain('server.bodyLimit');
  });

  it('answers invalid JSON with 400 invalidSyntax without quoting the body, and an unknown media type with 415', async () => {
    const payload = `{"userName":"x@example.com","password":"${SECRET}" oops}`;
    const bad = await injected({ method: 'POST', url: `${base}/Users`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, payload });
    expectScimError(bad, 400, 'invalidSyntax');
    expect(bad.body.detail).not.toContain(SECRET);
    expectScimError(await injected({ method: 'POST', url: `${base}/Users`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' }, payload: '<u/>' }), 415);
    const poisoned = await injected({ method: 'POST', url: `${base}/Users`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1}}' });
    expectScimError(poisoned, 400, 'invalidSyntax');
  });

  it('answers headers over Node.js max-http-header-size with 431 on the socket', async () => {
    const request = `GET ${base}/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`;
    expectScimError(await rawExchange(port, request), 431);
    expectScimError(await rawExchange(port, `GET ${base}/Users?filter=${'q'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`), 431);
  });

  it('answers a malformed request line or chunked encoding with 400 invalidSyntax on the socket, and closes it', async () => {
    expectScimError(await rawExchange(port, 'THIS IS NOT HTTP\r\n\r\n'), 400, 'invalidSyntax');
    expectScimError(await rawExchange(port, `GET ${base}/Users HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello`), 400, 'invalidSyntax');
    const chunked = `POST ${base}/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/scim+json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`;
    expectScimError(await rawExchange(port, chunked), 400, 'invalidSyntax');
    const after = await rawExchange(port, `GET ${base}/ServiceProviderConfig HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`);
    expect(after.status).toBe(200);
  });
});
