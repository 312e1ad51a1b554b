import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, runCliAsync } from '../support/run-cli.js';
import { openTestStore, type TestStore } from '../support/test-store.js';

/**
 * `rosterd app-key`: create (one workspace or all), list without secrets, revoke by name or id, one-line errors. The
 * built CLI on SQLite; the keys' store and their checks run on both databases in test/integration/app-api.
 */
describe.each(['sqlite'] as const)('rosterd app-key on %s', (dialect) => {
  let db: TestStore;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    assertBuilt();
    db = await openTestStore(dialect);
    env = { ROSTERD_DATABASE: db.url };
    expect(cli('workspace', 'create', 'apps', '--version', 'v2').code).toBe(0);
  });
  afterAll(() => db.cleanup());

  it('creates workspace and all-workspaces keys once, lists them without secrets, and revokes them', async () => {
    const [one, all] = await Promise.all([runCliAsync(['app-key', 'create', 'apps', '--name', 'backend', '--json'], env), runCliAsync(['app-key', 'create', '--all', '--name', 'warehouse'], env)]);
    expect(one.code, one.stderr).toBe(0);
    const created = JSON.parse(one.stdout) as { id: string; token: string; workspaceId: string; appApiBaseUrl: string };
    expect(created).toMatchObject({ workspaceId: 'apps', appApiBaseUrl: 'http://127.0.0.1:8080/api/v1' });
    expect(created.token).toMatch(/^rosterd_app_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/Reaches\s+every workspace/);
    const allToken = /App key\s+(\S+)/.exec(all.stdout)![1]!;

    const [listed, listedAll, listedJson] = await Promise.all([
      runCliAsync(['app-key', 'list'], env),
      runCliAsync(['app-key', 'list', '--all'], env),
      runCliAsync(['app-key', 'list', 'apps', '--json'], env),
    ]);
    expect(listed.stdout).toMatch(/backend\s+apps/);
    expect(listed.stdout).toMatch(/warehouse\s+\(all\)/);
    for (const output of [listed.stdout, listedAll.stdout, listedJson.stdout]) {
      expect(output).not.toContain(created.token.slice(-20));
      expect(output).not.toContain(allToken.slice(-20));
    }
    expect(listedAll.stdout).not.toContain('backend');
    expect(JSON.parse(listedJson.stdout)).toEqual([expect.objectContaining({ id: created.id, name: 'backend', workspaceId: 'apps', revokedAt: null })]);

    expect(cli('app-key', 'revoke', 'backend', '--workspace', 'apps').stdout).toContain(`revoked app key ${created.id}`);
    expect(cli('app-key', 'revoke', 'warehouse').stdout).toContain('revoked app key');
    expect(JSON.parse(cli('app-key', 'list', '--json').stdout).every((k: { revokedAt: string | null }) => k.revokedAt !== null)).toBe(true);
  });

  it('answers wrong arguments with one clear line and a non-zero exit', async () => {
    const cases = await Promise.all([
      runCliAsync(['app-key', 'create', '--name', 'x'], env),
      runCliAsync(['app-key', 'create', 'apps', '--all', '--name', 'x'], env),
      runCliAsync(['app-key', 'create', 'ghost', '--name', 'x'], env),
      runCliAsync(['app-key', 'revoke', 'nothing-by-this-name'], env),
      runCliAsync(['app-key', 'list', 'ghost'], env),
    ]);
    for (const result of cases) {
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^rosterd: .+ \[ROSTERD_E_[A-Z_]+\]$/m);
    }
    expect(cases[0]!.stderr).toContain('--all');
    expect(cases[3]!.stderr).toContain('nothing-by-this-name');
  });
});
