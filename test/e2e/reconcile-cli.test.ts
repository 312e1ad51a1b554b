import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraHarness } from '../contract/entra-harness.js';
import { OktaHarness } from '../contract/okta-harness.js';
import { bindingSecrets, entraBindingYaml, oktaBindingYaml } from '../support/binding-yaml.js';
import { assertBuilt, runCliAsync } from '../support/run-cli.js';
import { DIALECTS, openTestStore, type TestDialect, type TestStore } from '../support/test-store.js';

/**
 * `rosterd reconcile` as an admin types it: the built CLI, a YAML config pointing at the fake Graph (Entra) and
 * the fake Okta, secrets from the environment, a temp SQLite file or a PostgreSQL schema.
 */
describe.each(DIALECTS)('rosterd reconcile on %s', (dialect: TestDialect) => {
  const entra = new EntraHarness();
  const okta = new OktaHarness();
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-reconcile-cli-'));
  const configPath = path.join(dir, 'rosterd.yaml');
  let db: TestStore;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCliAsync(args, env);

  beforeAll(async () => {
    assertBuilt();
    await Promise.all([entra.start(), okta.start()]);
    db = await openTestStore(dialect);
    const database = dialect === 'sqlite' ? db.url : `${db.url}?schema=${db.schema}`;
    const mapping = (h: EntraHarness | OktaHarness) => `{ creditLimit: ${h.creditLimitSource}, attributes: { department: ${h.departmentSource} } }`;
    writeFileSync(
      configPath,
      [`database: "${database}"`, 'connectors:', ...entraBindingYaml(entra, 'contoso', mapping(entra)), ...oktaBindingYaml(okta, 'acme', mapping(okta)), ''].join('\n'),
    );
    env = { ROSTERD_CONFIG: configPath, ...bindingSecrets(entra, okta) };
    for (const id of ['contoso', 'acme']) expect((await cli('workspace', 'create', id)).code).toBe(0);
  });
  afterAll(async () => {
    await Promise.all([entra.stop(), okta.stop()]);
    await db.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['contoso', entra],
    ['acme', okta],
  ] as const)('%s: dry run, apply, an IdP change, the next cycle; a mass unassignment refused then approved', async (workspace, h) => {
    for (let i = 0; i < 10; i++) {
      h.addUser({ id: `${workspace}-${i}`, userName: `user${i}@${workspace}.example`, email: `user${i}@${workspace}.example`, givenName: `G${i}`, familyName: `F${i}`, profile: { [h.departmentSource]: 'Sales' } });
      h.assignUser(`${workspace}-${i}`, i === 0 ? 'admin' : 'viewer');
    }

    const dry = await cli('reconcile', workspace, '--dry-run', '--out', path.join(dir, `${workspace}.json`));
    expect(dry.code, dry.stderr).toBe(2);
    expect(dry.stdout).toMatch(/create 10 · update 0/);
    expect(dry.stdout).toMatch(/create\s+member\s+user0@\S+\s+externalId=\S+ role=admin active=true/);
    expect((await cli('members', workspace)).stdout).not.toContain('user0@');

    // The saved plan applies while the workspace is unchanged.
    const saved = JSON.parse(readFileSync(path.join(dir, `${workspace}.json`), 'utf8')) as { id: string; changes: unknown[]; summary: { create: number } };
    expect(saved.changes).toHaveLength(10);
    const applied = await cli('apply', path.join(dir, `${workspace}.json`));
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('applied plan');
    expect((await cli('members', workspace)).stdout).toMatch(/user0@\S+.*admin/);
    // A plan is applied once.
    const twice = await cli('apply', path.join(dir, `${workspace}.json`));
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^rosterd: plan \S+ is applied; only a planned or pending plan can be applied \[ROSTERD_E_PLAN\]\n$/);

    const quiet = await cli('reconcile', workspace, '--dry-run');
    expect(quiet.code, quiet.stdout + quiet.stderr).toBe(0);
    expect(quiet.stdout).toContain('no changes');

    h.updateUser(`${workspace}-1`, { profile: { [h.departmentSource]: 'Finance' } });
    const change = await cli('reconcile', workspace, '--dry-run');
    expect(change.code).toBe(2);
    expect(change.stdout).toMatch(/update\s+member\s+user1@\S+\s+department: Sales → Finance/);
    expect((await cli('reconcile', workspace)).code).toBe(0);
    expect((await cli('members', workspace, '--json')).stdout).toContain('"department": "Finance"');

    for (let i = 2; i < 8; i++) h.unassignUser(`${workspace}-${i}`);
    const refused = await cli('reconcile', workspace);
    expect(refused.code, refused.stdout + refused.stderr).toBe(3);
    expect(refused.stdout).toContain('deletion budget');
    const planId = /plan approve ([0-9a-f-]{36})/.exec(refused.stdout)?.[1];
    expect(planId).toBeDefined();
    const pending = await cli('plan', 'show', planId!);
    expect(pending.stdout).toMatch(/pending/);
    expect(pending.stdout).toMatch(/deactivate\s+member\s+user2@\S+\s+active: true → false\s+no longer assigned in the IdP/);

    const approved = await cli('plan', 'approve', planId!);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain('6 deactivations');

    const runs = await cli('runs', workspace);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(/approve\s+0\s+6 deactivations\s+\S+ s\s+applied/);
    expect(runs.stdout).toMatch(/refused/);
  });

  it('a 500 in the middle of a full read deletes nothing, and says so', async () => {
    entra.setPageSize(3);
    entra.injectFault({ status: 500, count: 100, afterRequests: 2 });
    const result = await cli('reconcile', 'contoso', '--full');
    entra.reset();
    expect(result.stdout).toContain('incomplete');
    expect(result.stdout).not.toMatch(/deactivation|removal/);
    const members = JSON.parse((await cli('members', 'contoso', '--json')).stdout) as { userName: string; active: boolean }[];
    expect(members.filter((m) => m.active).map((m) => m.userName).sort()).toEqual(['user0@contoso.example', 'user1@contoso.example', 'user8@contoso.example', 'user9@contoso.example']);
  });

  it('wrong arguments get one clear line', async () => {
    const bad = await cli('reconcile', 'contoso', '--allow-deletes', 'many');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('rosterd: --allow-deletes must be a non-negative integer, got "many" [ROSTERD_E_USAGE]\n');
    const missing = await cli('plan', 'approve', 'no-such-plan');
    expect(missing.stderr).toBe('rosterd: plan no-such-plan does not exist; see rosterd runs <workspace> [ROSTERD_E_PLAN]\n');
  });
});
