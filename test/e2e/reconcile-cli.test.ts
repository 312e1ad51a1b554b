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
 *
 * Vitest runs one test file at a time on this 2-core machine (maxWorkers is cores - 1) and a test mostly waits for
 * the CLI process it spawned. Entra's and Okta's flows each have their own workspace and fake IdP, so each pair runs
 * concurrently (it.concurrent inside a describe of its own, which keeps the pairs in order): two CLI processes at a
 * time, one per core. Concurrent tests take `expect` from their context so a failure is reported on its own test.
 */
/** Progress on stderr when it is not a terminal: `rosterd: read: read 6 · compared 0`. */
const PROGRESS_LINE = /^rosterd: (read|compare|apply): /;

/** A test that spawns the CLI a dozen times: each start takes a second or more on a busy 2-core machine. */
const MANY_STEPS = 120_000;

describe.each(DIALECTS)('rosterd reconcile on %s', (dialect: TestDialect) => {
  const entra = new EntraHarness();
  const okta = new OktaHarness();
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-reconcile-cli-'));
  const configPath = path.join(dir, 'rosterd.yaml');
  let db: TestStore;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCliAsync(args, env);
  const pairs: [string, EntraHarness | OktaHarness][] = [
    ['contoso', entra],
    ['acme', okta],
  ];

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
    // openTestStore migrated the database, so the two processes only insert their workspace.
    for (const created of await Promise.all(['contoso', 'acme'].map((id) => cli('workspace', 'create', id)))) expect(created.code, created.stderr).toBe(0);
  });
  afterAll(async () => {
    await Promise.all([entra.stop(), okta.stop()]);
    await db.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('first sync', () => {
    it.concurrent.for(pairs)('%s: dry run, apply, an IdP change, the next cycle; a mass unassignment refused then approved', { timeout: MANY_STEPS }, async ([workspace, h], { expect }) => {
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
      // A plan is applied once; that refusal changes nothing, so the members read can run beside it.
      const [members, twice] = await Promise.all([cli('members', workspace), cli('apply', path.join(dir, `${workspace}.json`))]);
      expect(members.stdout).toMatch(/user0@\S+.*admin/);
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
  });

  /** The workspace's members that this test's own users became, by userName, with their department. */
  const membersOf = async (workspace: string, prefix: string) => {
    const all = JSON.parse((await cli('members', workspace, '--json')).stdout) as { userName: string; active: boolean; department: string | null }[];
    return all.filter((m) => m.userName.startsWith(prefix)).sort((a, b) => a.userName.localeCompare(b.userName));
  };

  // The modes, the errors and a failed read are the CLI's and the reconciler's, the same on either database: they run
  // on SQLite here, and the in-process suites (test/integration/reconcile) run the reconciler on both databases. The
  // first sync runs on both, so the built CLI is seen reading and writing PostgreSQL end to end.
  const onSqlite = dialect === 'sqlite';

  describe.runIf(onSqlite)('modes', () => {
    it.concurrent.for(pairs)('%s: --dry-run --json prints the plan, --user provisions one member by externalId or userName, --full re-reads with a cursor', { timeout: MANY_STEPS }, async ([workspace, h], { expect }) => {
      // Converge first, whatever ran before, so this test starts from a synced workspace with a delta cursor.
      const synced = await cli('reconcile', workspace, '--allow-deletes', '1000');
      expect(synced.code, synced.stdout + synced.stderr).toBe(0);
      for (const i of [0, 1]) {
        h.addUser({ id: `${workspace}-od${i}`, userName: `od${i}@${workspace}.example`, email: `od${i}@${workspace}.example`, profile: { [h.departmentSource]: 'Sales' } });
        h.assignUser(`${workspace}-od${i}`, 'viewer');
      }

      const dry = await cli('reconcile', workspace, '--dry-run', '--json');
      expect(dry.code, dry.stderr).toBe(2);
      const plan = JSON.parse(dry.stdout) as { id: string; basis: number; status: string; changes: { action: string; kind: string; key: string }[] };
      expect(plan).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), basis: expect.any(Number), status: 'planned' });
      expect(plan.changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual([`create member od0@${workspace}.example`, `create member od1@${workspace}.example`]);
      // The outcome line goes to stderr, so stdout stays one JSON document.
      expect(dry.stderr).toMatch(/^rosterd: dry run: 2 creates/m);

      // By externalId: a member rosterd does not have yet. Only that one is created.
      const byId = await cli('reconcile', workspace, '--user', `${workspace}-od0`, '--json');
      expect(byId.code, byId.stderr).toBe(0);
      expect((JSON.parse(byId.stdout) as typeof plan).changes.map((c) => `${c.action} ${c.key}`)).toEqual([`create od0@${workspace}.example`]);

      // By userName: a member rosterd has. Only that one is updated, though both changed in the IdP.
      for (const i of [0, 1]) h.updateUser(`${workspace}-od${i}`, { profile: { [h.departmentSource]: 'Legal' } });
      const byName = await cli('reconcile', workspace, '--user', `od0@${workspace}.example`);
      expect(byName.code, byName.stderr).toBe(0);
      expect(byName.stdout).toMatch(/applied 1 update\b/);
      expect(await membersOf(workspace, 'od')).toEqual([expect.objectContaining({ userName: `od0@${workspace}.example`, active: true, department: 'Legal' })]);

      const full = await cli('reconcile', workspace, '--full');
      expect(full.code, full.stderr).toBe(0);
      const [afterFull, runsOut] = await Promise.all([membersOf(workspace, 'od'), cli('runs', workspace, '--json')]);
      expect(afterFull.map((m) => [m.userName, m.department])).toEqual([
        [`od0@${workspace}.example`, 'Legal'],
        [`od1@${workspace}.example`, 'Legal'],
      ]);
      const runs = JSON.parse(runsOut.stdout) as { mode: string; dryRun: boolean; result: string }[];
      // Newest first: the dry run after the first sync read incrementally, so a cursor existed when --full ignored it.
      expect(runs.slice(0, 4).map((r) => [r.mode, r.dryRun, r.result])).toEqual([
        ['full', false, 'applied'],
        ['user', false, 'applied'],
        ['user', false, 'applied'],
        ['incremental', true, 'planned'],
      ]);
    });
  });

  describe.runIf(onSqlite)('errors', () => {
    it.concurrent('a connector that cannot sign in exits 1 with one line naming the error code, and changes nothing', { timeout: MANY_STEPS }, async ({ expect }) => {
      const before = await membersOf('contoso', '');
      const result = await runCliAsync(['reconcile', 'contoso', '--full'], { ...env, ENTRA_CLIENT_SECRET: 'not-the-secret' });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^rosterd: failed: [^\n]+ \(run [0-9a-f-]{36}\) \[ROSTERD_E_CONNECTOR\]\n$/);
      const [after, runs] = await Promise.all([membersOf('contoso', ''), cli('runs', 'contoso', '--json')]);
      expect(after).toEqual(before);
      const [run] = JSON.parse(runs.stdout) as { result: string; error: string | null }[];
      expect(run).toMatchObject({ result: 'failed', error: expect.any(String) });
    });

    // Nothing here reaches an IdP or changes the database, so it runs beside the test above.
    it.concurrent('wrong arguments get one clear line', async ({ expect }) => {
      const [bad, both, missing] = await Promise.all([
        cli('reconcile', 'contoso', '--allow-deletes', 'many'),
        cli('reconcile', 'contoso', '--full', '--user', 'x'),
        cli('plan', 'approve', 'no-such-plan'),
      ]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe('rosterd: --allow-deletes must be a non-negative integer, got "many" [ROSTERD_E_USAGE]\n');
      expect(both.code).toBe(1);
      expect(both.stderr).toBe('rosterd: --full and --user cannot be combined: --user reads one member [ROSTERD_E_USAGE]\n');
      expect(both.stdout).toBe('');
      expect(missing.stderr).toBe('rosterd: plan no-such-plan does not exist; see rosterd runs <workspace> [ROSTERD_E_PLAN]\n');
    });
  });

  // These leave the fake's directory emptied (reset() is the only way to clear an injected fault): keep them last
  // among the tests that read an IdP.
  describe.runIf(onSqlite)('a failed read', () => {
    it.concurrent.for(pairs)('%s: a 500 in the middle of a full read deletes nothing, and says so', { timeout: MANY_STEPS }, async ([workspace, h], { expect }) => {
      // Its own members, synced first, so the outcome does not hang on what ran before.
      for (let i = 0; i < 6; i++) {
        h.addUser({ id: `${workspace}-f${i}`, userName: `f${i}@${workspace}.example`, email: `f${i}@${workspace}.example` });
        h.assignUser(`${workspace}-f${i}`, 'viewer');
      }
      const synced = await cli('reconcile', workspace, '--full', '--allow-deletes', '1000');
      expect(synced.code, synced.stdout + synced.stderr).toBe(0);
      const before = await membersOf(workspace, '');
      expect(before.filter((m) => m.userName.startsWith('f') && m.active)).toHaveLength(6);

      h.setPageSize(3);
      h.injectFault({ status: 500, count: 100, afterRequests: 2 });
      const result = await cli('reconcile', workspace, '--full');
      h.reset();
      // An error for whoever runs it: one line with the cause and the code, after any progress lines.
      expect(result.code, result.stdout + result.stderr).toBe(1);
      const errors = result.stderr.split('\n').filter((line) => line && !PROGRESS_LINE.test(line));
      expect(errors).toEqual([expect.stringMatching(/^rosterd: the IdP read was incomplete: .*500.*; no member is deactivated or removed in this plan; applied no changes \(run \S+\) \[ROSTERD_E_CONNECTOR\]$/)]);
      expect(result.stdout).not.toMatch(/deactivation|removal|already matches/);
      expect(await membersOf(workspace, '')).toEqual(before);
    });
  });
});
