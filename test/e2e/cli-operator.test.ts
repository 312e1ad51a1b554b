import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWorkspace } from '../../bench/seed.js';
import { createDb } from '../../src/store/create-db.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { CLI, runCli, runCliAsync, startCli } from '../support/run-cli.js';

/** The operator's path through the CLI: its errors, the workspace life cycle, and where it finds its database. */
describe('the rosterd CLI for an operator', () => {
  let dir: string;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCliAsync(args, env);

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rosterd-operator-'));
    env = { ROSTERD_DATABASE: `sqlite:${path.join(dir, 'rosterd.db')}` };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("turns commander's parse errors into one usage line", async () => {
    const [missing, unknown, typo, option, startPort] = await Promise.all([
      cli('workspace', 'create'),
      cli('frobnicate'),
      cli('workspace', 'crate', 'x'),
      cli('workspace', 'list', '--bogus'),
      cli('start', '--port', 'eighty'),
    ]);
    expect(missing.stderr).toBe("rosterd: missing required argument 'id'; see rosterd --help [ROSTERD_E_USAGE]\n");
    expect(unknown.stderr).toBe("rosterd: unknown command 'frobnicate'; see rosterd --help [ROSTERD_E_USAGE]\n");
    expect(typo.stderr).toBe("rosterd: unknown command 'crate'; did you mean create? [ROSTERD_E_USAGE]\n");
    expect(option.stderr).toBe("rosterd: unknown option '--bogus'; see rosterd --help [ROSTERD_E_USAGE]\n");
    expect(startPort.stderr).toBe('rosterd: --port must be a port number from 0 to 65535, got "eighty" [ROSTERD_E_USAGE]\n');
    for (const result of [missing, unknown, typo, option, startPort]) {
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
    }
  });

  it('is the package\'s bin, so npx rosterd, npm link and a global install run it', async () => {
    const root = path.resolve(path.dirname(CLI), '../../..');
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(path.resolve(root, manifest.bin.rosterd!)).toBe(CLI);
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const npx = spawnSync('npx', ['--no-install', 'rosterd', '--help'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(npx.status).toBe(0);
    expect(npx.stdout).toContain('Usage: rosterd');
  });

  it('documents the listening options and their environment variables in start --help', async () => {
    const help = await cli('start', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--port <port>');
    expect(help.stdout).toContain('--host <host>');
    expect(help.stdout).toContain('ROSTERD_PORT');
  });

  it('listens where start --port and --host say, and logs each request', async () => {
    // --port 0 asks for a free port (a fixed one would collide with a parallel run); the banner names it.
    const child = spawn(process.execPath, [CLI, '--database', `sqlite:${path.join(dir, 'listen.db')}`, 'start', '--host', '127.0.0.1', '--port', '0'], {
      env: { ...process.env, ROSTERD_CONFIG: '', ROSTERD_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`start exited with ${code}`)));
    });
    try {
      expect(Number(new URL(url).port)).toBeGreaterThan(0);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    // Request lines are buffered; what waits is written when the process exits.
    const requests = out.split('\n').filter((line) => line.includes('"msg":"request"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(requests).toEqual([expect.objectContaining({ method: 'GET', route: '/healthz', status: 200, service: 'rosterd' })]);
  });

  it('refuses policy options of the other version, at create and at update', async () => {
    const results = await Promise.all([
      cli('workspace', 'create', 'v2seats', '--preset', 'base44-v2', '--seats', 'builder=1'),
      cli('workspace', 'create', 'v1role', '--version', 'v1', '--default-role', 'admin'),
      cli('workspace', 'create', 'v2seat', '--version', 'v2', '--default-seat-type', 'builder'),
    ]);
    expect(results.map((r) => r.stderr)).toEqual([
      'rosterd: a v2 workspace has no seats; seats belong to v1 workspaces [ROSTERD_E_USAGE]\n',
      'rosterd: a v1 workspace has no defaultRole; roles belong to v2 workspaces [ROSTERD_E_USAGE]\n',
      'rosterd: a v2 workspace has no defaultSeatType; seats belong to v1 workspaces [ROSTERD_E_USAGE]\n',
    ]);
    expect((await cli('workspace', 'list', '--json')).stdout).not.toContain('v2seats');
  });

  it('changes a workspace after creation, shows its whole policy, and deletes it only with --yes', async () => {
    expect((await cli('workspace', 'create', 'acme', '--preset', 'base44-v1', '--seats', 'builder=10,pro=5')).code).toBe(0);
    const updated = await cli('workspace', 'update', 'acme', '--seats', 'builder=20', '--deletion-budget-count', 'off', '--adopt-by-user-name', 'yes', '--creation-only', 'locale');
    expect(updated.stderr).toBe('');
    expect(updated.stdout).toMatch(/seats\s+builder 0\/20, pro 0\/5/);
    expect(updated.stdout).toMatch(/adopt by name\s+yes/);
    expect(updated.stdout).toMatch(/deletion budget\s+count off, 20%/);
    expect(updated.stdout).toMatch(/creation-only\s+locale/);

    const refused = await cli('workspace', 'update', 'acme', '--default-role', 'admin');
    expect(refused.stderr).toBe('rosterd: a v1 workspace has no defaultRole; roles belong to v2 workspaces [ROSTERD_E_USAGE]\n');
    const nothing = await cli('workspace', 'update', 'acme');
    expect(nothing.stderr).toMatch(/^rosterd: nothing to change.*\[ROSTERD_E_USAGE\]\n$/);

    // A policy file in workspace show --json's shape, changed and given back.
    const shown = JSON.parse((await cli('workspace', 'show', 'acme', '--json')).stdout) as { policy: { deprovision: string } };
    shown.policy.deprovision = 'suspend';
    const file = path.join(dir, 'acme-policy.json');
    writeFileSync(file, JSON.stringify(shown));
    expect((await cli('workspace', 'update', 'acme', '--policy-file', file)).stdout).toMatch(/deprovision\s+active=false suspends/);
    const show = await cli('workspace', 'show', 'acme');
    for (const line of ['seats', 'default seat', 'deprovision', 'groups', 'creation-only', 'adopt by name', 'deletion budget']) expect(show.stdout).toMatch(new RegExp(`^${line}\\s`, 'm'));

    const unconfirmed = await cli('workspace', 'delete', 'acme');
    expect(unconfirmed.stderr).toMatch(/add --yes to confirm \[ROSTERD_E_USAGE\]\n$/);
    expect((await cli('workspace', 'delete', 'acme', '--yes')).stdout).toBe('deleted workspace "acme"\n');
    expect((await cli('workspace', 'show', 'acme')).stderr).toMatch(/does not exist.*\[ROSTERD_E_NOT_FOUND\]/);
  });

  it('refuses to delete a workspace the configuration names, and to start with a binding whose workspace is missing', async () => {
    const configPath = path.join(dir, 'bound.yaml');
    const database = `sqlite:${path.join(dir, 'bound.db')}`;
    writeFileSync(
      configPath,
      [
        `database: ${database}`,
        'bootstrap: { workspace: null }',
        'server: { port: 0 }',
        'connectors:',
        '  - workspace: bound',
        '    kind: okta',
        '    settings: { orgUrl: "https://example.okta.com", appID: "0oa1", token: "${OKTA_TOKEN_NOT_SET}" }',
        '',
      ].join('\n'),
    );
    const withConfig = { ROSTERD_CONFIG: configPath };
    const start = runCli(['start'], withConfig);
    expect(start.stderr).toBe('rosterd: connectors.0.settings.token: environment variable OKTA_TOKEN_NOT_SET is not set [ROSTERD_E_CONFIG]\n');
    const started = runCli(['start'], { ...withConfig, OKTA_TOKEN_NOT_SET: 'x' });
    expect(started.code).toBe(1);
    expect(started.stderr).toBe('rosterd: connector binding okta names workspace "bound", which does not exist; create it with rosterd workspace create bound, or fix the configuration [ROSTERD_E_CONFIG]\n');
    // Commands that do not use the binding need neither its secret nor its workspace.
    expect(runCli(['workspace', 'create', 'bound'], withConfig).code).toBe(0);
    // With its workspace there, the binding's settings are checked at start, before any cycle: one line per wrong key.
    const misspelt = runCli(['start'], { ...withConfig, OKTA_TOKEN_NOT_SET: 'x' });
    expect(misspelt.code).toBe(1);
    expect(misspelt.stderr).toMatch(/^rosterd: connectors\.0\.settings\.appId: .*connectors\.0\.settings\.appID: unknown key.*\[ROSTERD_E_CONFIG\]\n$/);
    expect(runCli(['members', 'bound'], withConfig).stdout).toContain('no members yet');
    const refused = runCli(['workspace', 'delete', 'bound', '--yes'], withConfig);
    expect(refused.stderr).toBe('rosterd: workspace "bound" is still named by connector binding okta in the configuration; remove it first [ROSTERD_E_CONFLICT]\n');
    // The command that does use it names the missing variable.
    expect(runCli(['connector', 'test', 'bound'], withConfig).stderr).toMatch(/environment variable OKTA_TOKEN_NOT_SET is not set \[ROSTERD_E_CONFIG\]/);
  });

  it('finds its database only where it was told or where it starts, and never makes one by accident', async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'rosterd-elsewhere-'));
    try {
      const missingDir = runCli(['--database', 'sqlite:/nonexistent/dir/x.db', 'workspace', 'list'], {}, { cwd: elsewhere });
      expect(missingDir.stderr).toBe('rosterd: cannot open SQLite database /nonexistent/dir/x.db: the directory /nonexistent/dir does not exist; create it, or fix the database setting [ROSTERD_E_DATABASE]\n');
      const noDefault = runCli(['workspace', 'list'], { ROSTERD_DATABASE: '' }, { cwd: elsewhere });
      expect(noDefault.stderr).toBe(`rosterd: no database at ${path.join(elsewhere, 'data/rosterd.db')}: rosterd keeps it in ./data of the directory where it starts; run this there, or give --database or --config [ROSTERD_E_DATABASE]\n`);
      // Creating a workspace is how a first setup may begin, before the first start.
      expect(runCli(['workspace', 'create', 'first'], { ROSTERD_DATABASE: '' }, { cwd: elsewhere }).code).toBe(0);
      expect(runCli(['workspace', 'list'], { ROSTERD_DATABASE: '' }, { cwd: elsewhere }).stdout).toContain('first');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('lists groups with their project roles, and the log says why a write was refused', async () => {
    expect((await cli('workspace', 'create', 'ap', '--preset', 'activepieces')).code).toBe(0);
    const key = (await cli('key', 'create', 'ap', '--name', 'k')).stdout.match(/rosterd_\S+/)![0];
    const gateway = startCli([], { ...env, ROSTERD_PORT: '0', ROSTERD_LOG_LEVEL: 'warn' });
    try {
      const url = /listening on (\S+)/.exec(await gateway.ready)![1]!;
      const scim = (p: string, body: unknown) =>
        fetch(`${url}/scim/v2/organizations/ap${p}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/scim+json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ id: string }>);
      const ada = await scim('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@ap.example', externalId: 'ada' });
      await scim('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Growth', externalId: 'g1', members: [{ value: ada.id }] });
      // A write the policy refuses: the log says why.
      await scim('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'eve@ap.example', externalId: 'eve', 'urn:ietf:params:scim:schemas:activepieces:1.0:CustomUserAttributes': { platformRole: 'OWNER' } });
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
    const listed = await cli('groups', 'ap');
    expect(listed.stdout).toMatch(/Growth\s+g1\s+1\s+editor ×1/);
    const one = await cli('groups', 'ap', '--group', 'Growth');
    expect(one.stdout).toMatch(/ada@ap\.example\s+ada\s+editor/);
    expect((await cli('groups', 'ap', '--group', 'Nope')).stderr).toMatch(/has no group "Nope".*\[ROSTERD_E_NOT_FOUND\]/);
    const log = (await cli('log', 'ap')).stdout;
    expect(log).toMatch(/member\.create\s+eve@ap\.example\s+refused 400\s+\S.*OWNER/);
    expect(log).toMatch(/group_member\.create\s+Growth ← ada@ap\.example\s+applied/);
  });

  it('ends quietly and successfully when the reader of its output goes away', async () => {
    const database = path.join(dir, 'many.db');
    const store = await createDb(`sqlite:${database}`);
    await migrateToLatest(store);
    await seedWorkspace(store, { members: 5_000, workspaceId: 'many' });
    await store.close();
    const child = spawn(process.execPath, [CLI, '--database', `sqlite:${database}`, 'members', 'many'], { env: { ...process.env, ROSTERD_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Like `| head -2`: read the first chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('takes a unique prefix of a plan id, and says when a prefix is too short or matches nothing', async () => {
    const [short, none, notHex] = await Promise.all([cli('plan', 'show', '5d0'), cli('plan', 'show', 'ffffffff'), cli('plan', 'show', 'xyz!')]);
    expect(short.stderr).toBe('rosterd: plan id "5d0" is too short; give at least 4 characters [ROSTERD_E_USAGE]\n');
    expect(none.stderr).toBe('rosterd: plan ffffffff does not exist; see rosterd runs <workspace> [ROSTERD_E_PLAN]\n');
    expect(notHex.stderr).toBe('rosterd: plan xyz! does not exist; see rosterd runs <workspace> [ROSTERD_E_PLAN]\n');
  });
});
