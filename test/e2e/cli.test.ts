import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, startCli } from '../support/run-cli.js';
import { DIALECTS, openTestStore, TEST_POSTGRES_URL, type TestStore } from '../support/test-store.js';

describe.each(DIALECTS)('the rosterd CLI on %s', (dialect) => {
  let db: TestStore;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    assertBuilt();
    db = await openTestStore(dialect);
    env = { ROSTERD_DATABASE: dialect === 'sqlite' ? db.url : `${TEST_POSTGRES_URL}?schema=${db.schema}` };
  });
  afterAll(() => db.cleanup());

  it('creates a workspace from a preset with seat capacities and shows it', () => {
    const created = cli('workspace', 'create', 'base44', '--preset', 'base44-v1', '--seats', 'builder=10,pro=5');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('SCIM base URL  http://127.0.0.1:8080/scim/v2/organizations/base44');
    expect(created.stdout).toContain('builder=10, pro=5');
    const shown = cli('workspace', 'show', 'base44', '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: 'base44', version: 'v1', extensionUrn: 'urn:base44:params:scim:schemas:extension:user:2.0', policy: { seats: { builder: 10, pro: 5 }, deprovision: 'remove' } });
    expect(cli('workspace', 'list').stdout).toMatch(/base44\s+base44\s+v1/);
  });

  it('creates a key once, lists it without the secret, and revokes it', () => {
    cli('workspace', 'create', 'keys', '--version', 'v2');
    const created = cli('key', 'create', 'keys', '--name', 'Entra SCIM', '--json');
    expect(created.code, created.stderr).toBe(0);
    const { token, id } = JSON.parse(created.stdout) as { token: string; id: string };
    expect(token).toMatch(/^rosterd_/);
    const listed = cli('key', 'list', 'keys');
    expect(listed.stdout).toContain('Entra SCIM');
    expect(listed.stdout).not.toContain(token.slice(-20));
    expect(cli('key', 'revoke', 'keys', 'Entra SCIM').stdout).toContain(`revoked key ${id}`);
    expect(cli('key', 'list', 'keys', '--json').stdout).toMatch(/"revokedAt": "20/);
  });

  it('answers a wrong argument with one clear line and a non-zero exit', () => {
    const cases = [
      cli('workspace', 'show', 'nope'),
      cli('workspace', 'create', 'bad id!'),
      cli('workspace', 'create', 'x1', '--preset', 'nosuch'),
      cli('workspace', 'create', 'x2', '--version', 'v3'),
      cli('workspace', 'create', 'x3', '--seats', 'gold=1'),
      cli('key', 'create', 'nope', '--name', 'k'),
      cli('key', 'create', 'keys'),
      cli('members', 'nope'),
      cli('log', 'keys', '--since', 'yesterday-ish'),
      cli('frobnicate'),
    ];
    for (const result of cases) {
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
    expect(cases[0]!.stderr).toMatch(/^rosterd: workspace "nope" does not exist.*\[ROSTERD_E_NOT_FOUND\]\n$/);
    expect(cases[2]!.stderr).toContain('unknown preset "nosuch"');
  });

  it('names the wrong key of a config file', () => {
    const result = runCli(['workspace', 'list'], { ...env, ROSTERD_DATABASE: '', ROSTERD_CONFIG: '/nonexistent.yaml' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot read config file \/nonexistent.yaml/);
  });

  it('starts the gateway, prints the base URL and key once, serves SCIM, lists members and the log, and stops on SIGTERM', async () => {
    const gateway = startCli([], { ...env, ROSTERD_PORT: '0' });
    const banner = await gateway.ready;
    const baseUrl = /SCIM base URL\s+(\S+)/.exec(banner)?.[1];
    const key = /API key\s+(\S+)/.exec(banner)?.[1];
    // A database that already has workspaces is not bootstrapped again, so the banner may carry no key.
    let token = key;
    let base = baseUrl;
    if (!token) {
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(banner)![1];
      token = (JSON.parse(cli('key', 'create', 'keys', '--name', `e2e-${Date.now()}`, '--json').stdout) as { token: string }).token;
      base = `http://127.0.0.1:${port}/scim/v2/organizations/keys`;
    }
    const created = await fetch(`${base}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'cli@example.com' }),
    });
    expect(created.status).toBe(201);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);

    const workspace = base!.split('/').pop()!;
    expect(cli('members', workspace).stdout).toContain('cli@example.com');
    expect(cli('members', 'set-owner', workspace, 'cli@example.com').stdout).toContain('is now an owner');
    expect(cli('members', 'list', workspace, '--json').stdout).toMatch(/"owner": true/);
    const log = cli('log', workspace, '--since', '1h');
    expect(log.stdout).toMatch(/member\.create/);
    expect(log.stdout).toMatch(/member\.set-owner/);
  });
});
