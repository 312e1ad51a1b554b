import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraHarness } from '../contract/entra-harness.js';
import { entraBindingYaml } from '../support/binding-yaml.js';
import { assertBuilt, runCliAsync } from '../support/run-cli.js';
import { DIALECTS, openTestStore, type TestDialect, type TestStore } from '../support/test-store.js';

/**
 * Drift as an admin meets it in the CLI: a change the policy refuses is counted in the outcome line and the exit code
 * (2 for a dry run, 4 once applied), `rosterd status` and `members --json` say who and why, and `--user` provisions
 * someone the workspace has never seen, by userName, or says in one line that nobody has that name.
 */
const STEPS = 120_000;

describe.each(DIALECTS)('drift in the CLI on %s', (dialect: TestDialect) => {
  // Two IdPs, one workspace bound to each, so the two tests run side by side without seeing each other's users.
  const entra = new EntraHarness();
  const other = new EntraHarness();
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-drift-cli-'));
  const configPath = path.join(dir, 'rosterd.yaml');
  let db: TestStore;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCliAsync(args, env);
  const user = (h: EntraHarness, id: string, role: string | null, credit?: number) => {
    h.addUser({ id, userName: `${id}@acme.example`, email: `${id}@acme.example`, ...(credit !== undefined ? { profile: { [h.creditLimitSource]: credit } } : {}) });
    if (role !== null) h.assignUser(id, role);
  };

  beforeAll(async () => {
    assertBuilt();
    await Promise.all([entra.start(), other.start()]);
    db = await openTestStore(dialect);
    const database = dialect === 'sqlite' ? db.url : `${db.url}?schema=${db.schema}`;
    const secret = (line: string) => line.replace('${ENTRA_CLIENT_SECRET}', '${OTHER_CLIENT_SECRET}');
    writeFileSync(
      configPath,
      [
        `database: "${database}"`,
        'connectors:',
        ...entraBindingYaml(entra, 'acme', `{ creditLimit: ${entra.creditLimitSource} }`),
        ...entraBindingYaml(other, 'beta', '{}').map(secret),
        '',
      ].join('\n'),
    );
    env = { ROSTERD_CONFIG: configPath, ENTRA_CLIENT_SECRET: entra.fake.clientSecret, OTHER_CLIENT_SECRET: other.fake.clientSecret };
    for (const created of await Promise.all(['acme', 'beta'].map((id) => cli('workspace', 'create', id, '--preset', 'base44-v2')))) expect(created.code, created.stderr).toBe(0);
  });
  afterAll(async () => {
    await Promise.all([entra.stop(), other.stop()]);
    await db.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it.concurrent('counts a refusal in the outcome and the exit code, and shows it in status and members', { timeout: STEPS }, async ({ expect }) => {
    user(entra, 'ada', 'admin', 500);
    user(entra, 'bob', 'editor');
    expect((await cli('reconcile', 'acme')).code).toBe(0);
    // Demoted in the IdP while the credit limit stays: the workspace refuses a credit limit on a viewer.
    entra.unassignUser('ada');
    entra.assignUser('ada', 'viewer');

    const dry = await cli('reconcile', 'acme', '--dry-run');
    expect(dry.code, dry.stdout + dry.stderr).toBe(2);
    expect(dry.stdout).toMatch(/skip\s+member\s+ada@acme\.example\s+.*refused by the workspace policy: creditLimit applies only to admin and editor members/);
    expect(dry.stdout).toMatch(/^rosterd: dry run: 1 skip; refused 1 \(creditLimit applies only to admin and editor members, and this member is a viewer\) \(plan \S+; nothing applied\) \(run \S+\)$/m);

    const applied = await cli('reconcile', 'acme');
    expect(applied.code, applied.stdout + applied.stderr).toBe(4);
    expect(applied.stdout).toMatch(/^rosterd: applied no changes; refused 1 \(creditLimit applies only to admin and editor members, and this member is a viewer\) \(run \S+\)$/m);

    const [status, listed] = await Promise.all([cli('status', 'acme'), cli('members', 'acme', '--json')]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/connector:entra/);
    expect(status.stdout).toMatch(/in drift\s+1 refused by the workspace policy/);
    expect(status.stdout).toMatch(/entra\s+ada\s+refused\s+refused by the workspace policy: creditLimit applies only/);
    const members = JSON.parse(listed.stdout) as { userName: string; role: string; drift: { reason: string } | null }[];
    expect(members.find((m) => m.userName === 'ada@acme.example')).toMatchObject({ role: 'admin', drift: { reason: 'refused' } });
    expect(members.find((m) => m.userName === 'bob@acme.example')).toMatchObject({ drift: null });

    // Cleared in the IdP: the next cycle demotes, and the workspace matches again.
    entra.updateUser('ada', { profile: { [entra.creditLimitSource]: null } });
    const cleared = await cli('reconcile', 'acme');
    expect(cleared.code, cleared.stdout + cleared.stderr).toBe(0);
    expect(cleared.stdout).toMatch(/applied 1 update/);
    expect((await cli('status', 'acme')).stdout).toMatch(/in drift\s+none/);
  });

  // The connector's lookup and the CLI's answer are the same on either database; the reconciler's one-user cycle
  // runs on both in test/integration/reconcile/reconciler.test.ts.
  it.runIf(dialect === 'sqlite').concurrent('--user provisions a user the workspace has never seen, by userName, and names the one it cannot find', { timeout: STEPS }, async ({ expect }) => {
    user(other, 'cyd', 'editor');
    user(other, 'dee', null);
    const [created, unknown, unassigned] = await Promise.all([
      cli('reconcile', 'beta', '--user', 'cyd@acme.example'),
      cli('reconcile', 'beta', '--user', 'nobody@acme.example'),
      cli('reconcile', 'beta', '--user', 'dee@acme.example'),
    ]);
    expect(created.code, created.stdout + created.stderr).toBe(0);
    expect(created.stdout).toMatch(/applied 1 create/);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^rosterd: failed: no user "nobody@acme\.example" in the IdP \(by userName or id\) and no member "nobody@acme\.example" in workspace "beta"; [^\n]+ \[ROSTERD_E_NOT_FOUND\]\n$/);
    expect(unassigned.code).toBe(1);
    expect(unassigned.stderr).toMatch(/^rosterd: failed: user "dee@acme\.example" exists in the IdP \(id dee\) but is not assigned to the application[^\n]+ \[ROSTERD_E_NOT_FOUND\]\n$/);
    const members = JSON.parse((await cli('members', 'beta', '--json')).stdout) as { userName: string; role: string }[];
    expect(members.find((m) => m.userName === 'cyd@acme.example')).toMatchObject({ role: 'editor' });
    expect(members.some((m) => m.userName === 'dee@acme.example')).toBe(false);
  });
});
