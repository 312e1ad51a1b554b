import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGraphCert } from '../fake/graph/self-signed-cert.js';
import { startCli } from '../support/run-cli.js';

/**
 * A newcomer's path to Entra's Test Connection, as the README's "Put it on the internet" tells it: the gateway on
 * 127.0.0.1 behind a TLS-terminating reverse proxy, with `server.publicUrl` and `server.trustProxy`. The proxy is a
 * real HTTPS server that forwards with X-Forwarded-* headers, as Caddy and nginx do; the requests are Entra's.
 */
describe('rosterd behind a TLS-terminating proxy', () => {
  let dir: string;
  let proxy: Server;
  let publicUrl: string;
  let upstreamPort = 0;
  let gateway: ReturnType<typeof startCli>;
  let banner: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'rosterd-proxy-'));
    const { cert, key } = fakeGraphCert();
    proxy = createServer({ cert, key }, (incoming, outgoing) => {
      const forwarded = httpRequest(
        {
          host: '127.0.0.1',
          port: upstreamPort,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': incoming.headers.host, 'x-forwarded-for': incoming.socket.remoteAddress },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => outgoing.writeHead(502).end());
      incoming.pipe(forwarded);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    publicUrl = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const config = path.join(dir, 'rosterd.yaml');
    writeFileSync(config, [`database: sqlite:${path.join(dir, 'rosterd.db')}`, 'server:', '  port: 0', `  publicUrl: ${publicUrl}`, '  trustProxy: true', 'log: { level: warn }', ''].join('\n'));
    gateway = startCli([], { ROSTERD_CONFIG: config });
    banner = await gateway.ready;
    upstreamPort = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(banner)![1]);
  });

  afterAll(async () => {
    gateway?.child.kill('SIGTERM');
    await gateway?.exited;
    await new Promise((resolve) => proxy?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the public HTTPS base URL, passes Entra's Test Connection through the proxy, and answers with public locations", async () => {
    const base = /SCIM base URL\s+(\S+)/.exec(banner)![1]!;
    const token = /API key\s+(\S+)/.exec(banner)![1]!;
    expect(base).toBe(`${publicUrl}/scim/v2/organizations/demo`);

    // Test Connection: a user that cannot exist, by a random GUID, must come back as an empty list.
    const fixture = JSON.parse(readFileSync(new URL('../fixture/entra/get-users-test-connection-random-guid.json', import.meta.url), 'utf8')) as { query: { filter: string } };
    const probe = await fetch(`${base}/Users?filter=${encodeURIComponent(fixture.query.filter)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(probe.status).toBe(200);
    expect(await probe.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] });

    const created = await fetch(`${base}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@contoso.example', externalId: 'b0f3d9a1-5c2e-4e8f-9a77-0d6c1e2f3a4b', active: true }),
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string; meta: { location: string } };
    expect(user.meta.location).toBe(`${base}/Users/${user.id}`);
    expect(created.headers.get('location')).toBe(`${base}/Users/${user.id}`);

    const refused = await fetch(`${base}/Users`, { headers: { authorization: 'Bearer not-a-key' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
  });
});
