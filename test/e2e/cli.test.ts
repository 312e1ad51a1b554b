import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, runCliAsync, startCli } from '../support/run-cli.js';
import { DIALECTS, openTestStore, TEST_POSTGRES_URL, type TestStore } from '../support/test-store.js';

describe.each(DIALECTS)('the rosterd CLI on %s', (dialect) => {
  let db: TestStore;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);
  // Vitest runs one file at a time on this 2-core machine; invocations that do not depend on each other run side by side.
  const cliAsync = (...args: string[]) => runCliAsync(args, env);

  beforeAll(async () => {
    assertBuilt();
    db = await openTestStore(dialect);
    env = { ROSTERD_DATABASE: dialect === 'sqlite' ? db.url : `${TEST_POSTGRES_URL}?schema=${db.schema}` };
  });
  afterAll(() => db.cleanup());

  it('creates a workspace from a preset with seat capacities and shows it', async () => {
    const created = cli('workspace', 'create', 'base44', '--preset', 'base44-v1', '--seats', 'builder=10,pro=5');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('SCIM base URL    http://127.0.0.1:8080/scim/v2/organizations/base44');
    expect(created.stdout).toContain('builder 0/10, pro 0/5');
    const [shown, listed] = await Promise.all([cliAsync('workspace', 'show', 'base44', '--json'), cliAsync('workspace', 'list')]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: 'base44', version: 'v1', extensionUrn: 'urn:base44:params:scim:schemas:extension:user:2.0', policy: { seats: { builder: 10, pro: 5 }, deprovision: 'remove' } });
    expect(listed.stdout).toMatch(/base44\s+base44\s+v1/);
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

  // Argument and config errors are the CLI's before it opens a database: checked once, on SQLite.
  it.runIf(dialect === 'sqlite')('answers a wrong argument with one clear line and a non-zero exit', async () => {
    // None of these changes anything, so they run concurrently.
    const cases = await Promise.all([
      cliAsync('workspace', 'show', 'nope'),
      cliAsync('workspace', 'create', 'bad id!'),
      cliAsync('workspace', 'create', 'x1', '--preset', 'nosuch'),
      cliAsync('workspace', 'create', 'x2', '--version', 'v3'),
      cliAsync('workspace', 'create', 'x3', '--seats', 'gold=1'),
      cliAsync('key', 'create', 'nope', '--name', 'k'),
      cliAsync('key', 'create', 'keys'),
      cliAsync('members', 'nope'),
      cliAsync('log', 'keys', '--since', 'yesterday-ish'),
      cliAsync('frobnicate'),
    ]);
    for (const result of cases) {
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
    expect(cases[0]!.stderr).toMatch(/^rosterd: workspace "nope" does not exist.*\[ROSTERD_E_NOT_FOUND\]\n$/);
    expect(cases[2]!.stderr).toContain('unknown preset "nosuch"');
  });

  it.runIf(dialect === 'sqlite')('names the wrong key of a config file', () => {
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
    const [before, owner] = await Promise.all([cliAsync('members', workspace), cliAsync('members', 'set-owner', workspace, 'cli@example.com')]);
    expect(before.stdout).toContain('cli@example.com');
    expect(owner.stdout).toContain('is now an owner');
    // Reads of what the gateway and set-owner wrote: side by side.
    const [listed, bare, log, logJson] = await Promise.all([
      cliAsync('members', 'list', workspace, '--json'),
      // As the README writes it: `members <workspace> --json`, without `list`.
      cliAsync('members', workspace, '--json'),
      cliAsync('log', workspace, '--since', '1h'),
      cliAsync('log', workspace, '--json'),
    ]);
    expect(listed.stdout).toMatch(/"owner": true/);
    const members = JSON.parse(bare.stdout) as Record<string, unknown>[];
    expect(members).toContainEqual(expect.objectContaining({ userName: 'cli@example.com', owner: true, active: true, id: expect.any(String) }));
    expect(log.stdout).toMatch(/member\.create/);
    expect(log.stdout).toMatch(/member\.set-owner/);
    const entries = JSON.parse(logJson.stdout) as { actor: string; operation: string; result: string; at: string }[];
    for (const entry of entries) {
      expect(entry).toMatchObject({ actor: expect.any(String), operation: expect.any(String), result: expect.stringMatching(/^(applied|refused)$/) });
      expect(new Date(entry.at).toISOString()).toBe(entry.at);
    }
    expect(entries).toContainEqual(expect.objectContaining({ operation: 'member.create', targetKey: 'cli@example.com', result: 'applied', actor: expect.stringMatching(/^key:/) }));
    expect(entries).toContainEqual(expect.objectContaining({ operation: 'member.set-owner', targetKey: 'cli@example.com', result: 'applied', actor: 'cli' }));
  });
});

/** `npm start` on a fresh clone: no config file, no database setting, so every default applies (the port aside). */
describe('rosterd start in a fresh directory', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-first-start-'));
  // Port 0: another gateway may hold 8080 on this machine; the banner prints the port it got.
  const env = { ROSTERD_CONFIG: '', ROSTERD_DATABASE: '', ROSTERD_PORT: '0' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates ./data/rosterd.db and workspace demo, and prints its base URL and a working key on the first start only', async () => {
    assertBuilt();
    const first = startCli([], env, { cwd: dir });
    const banner = await first.ready;
    expect(banner).toMatch(/rosterd is listening on http:\/\/127\.0\.0\.1:\d+ \(database sqlite:\.\/data\/rosterd\.db\)/);
    expect(existsSync(path.join(dir, 'data', 'rosterd.db'))).toBe(true);
    expect(banner).toContain('Created workspace "demo" (V2)');
    const base = /SCIM base URL\s+(\S+)/.exec(banner)?.[1];
    const key = /API key\s+(\S+)/.exec(banner)?.[1];
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/organizations\/demo$/);
    expect(key).toMatch(/^rosterd_/);
    const users = await fetch(`${base}/Users`, { headers: { authorization: `Bearer ${key}` } });
    expect(users.status).toBe(200);
    expect(await users.json()).toMatchObject({ totalResults: 0 });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const shown = runCli(['workspace', 'show', 'demo', '--json'], env, { cwd: dir });
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: 'demo', version: 'v2' });

    const second = startCli([], env, { cwd: dir });
    const again = await second.ready;
    expect(again).toMatch(/rosterd is listening on \S+ \(database sqlite:\.\/data\/rosterd\.db\)/);
    expect(again).not.toMatch(/Created workspace|API key|rosterd_/);
    // The key printed once keeps working.
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(again)![1];
    expect((await fetch(`http://127.0.0.1:${port}/scim/v2/organizations/demo/Users`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('answers --help on a nested command with a usage line and exit 0 (test/unit/cli/build-program.test.ts walks every command)', () => {
    const result = runCli(['members', 'set-owner', '--help'], env, { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: rosterd members set-owner \[options\] <workspace> <userName>$/m);
  });
});
