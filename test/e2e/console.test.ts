import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/admin/create-workspace.js';
import type { ConnectorLogger } from '../../src/connector/connector.js';
import { reconcile } from '../../src/reconcile/reconciler.js';
import { findMemberByExternalId } from '../../src/store/member-repository.js';
import { findPlan } from '../../src/store/plan-repository.js';
import { EntraHarness } from '../contract/entra-harness.js';
import { entraBindingYaml } from '../support/binding-yaml.js';
import { assertBuilt, runCliAsync, startCli } from '../support/run-cli.js';
import { openTestStore, type TestStore } from '../support/test-store.js';

/**
 * The web console as an admin uses it: Debian's Chromium, headless, driven by playwright-core, against a real
 * `rosterd start` (the built CLI) on a SQLite file, with a plan held by the deletion budget made by a real pull
 * from the fake Graph. Screenshots of each step go to test-results/console/ for review.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-results/console');
const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };
const WS = 'acme';

describe.skipIf(!existsSync(CHROMIUM))(`web console in headless Chromium (skipped without ${CHROMIUM}: apt-get install -y chromium)`, () => {
  const h = new EntraHarness();
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-console-e2e-'));
  const configPath = path.join(dir, 'rosterd.yaml');
  let db: TestStore;
  let daemon: ReturnType<typeof startCli> | undefined;
  let context: BrowserContext | undefined;
  let planId = '';

  beforeAll(async () => {
    assertBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await h.start();
    db = await openTestStore('sqlite');
    // Ten users pulled in, then five unassigned: over the 20% deletion budget, so the plan waits for an admin.
    await createWorkspace(db.store.db, { id: WS, version: 'v2', now: new Date().toISOString(), policy: { deletionBudget: { count: null, percent: 20 } } });
    for (let i = 0; i < 10; i++) {
      h.addUser({ id: `u-${i}`, userName: `user${i}@acme.example`, email: `user${i}@acme.example`, givenName: `Given${i}`, familyName: `Family${i}`, profile: { [h.departmentSource]: 'Sales' } });
      h.assignUser(`u-${i}`, i === 0 ? 'admin' : 'viewer');
    }
    const deps = { store: db.store, config: { connectors: [{ workspace: WS, kind: 'entra' as const, schedule: '0 0 1 1 *', settings: {} }] }, log: quiet, clock: () => new Date(), connectorFor: async () => h.connector({ mapping: { attributes: { department: h.departmentSource } } }) };
    const run = () => reconcile(deps, { workspaceId: WS, mode: 'full', dryRun: false, trigger: 'cli' });
    const first = await run();
    expect(first.result, first.message).toBe('applied');
    for (let i = 5; i < 10; i++) h.unassignUser(`u-${i}`);
    const refused = await run();
    expect(refused.result, refused.message).toBe('refused');
    planId = refused.planId!;

    writeFileSync(
      configPath,
      [`database: "${db.url}"`, 'server: { host: 127.0.0.1, port: 0 }', 'log: { level: warn }', 'bootstrap: { workspace: null }', 'connectors:', ...entraBindingYaml(h, WS, `{ attributes: { department: ${h.departmentSource} } }`, ['schedule: "0 0 1 1 *"']), ''].join('\n'),
    );
  });
  afterAll(async () => {
    await context?.close();
    if (daemon) {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
    await h.stop();
    await db?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with an admin key, shows the workspaces and a workspace, approves a pending plan, signs out; a revoked key ends the session', { timeout: 120_000 }, async () => {
    const env = { ROSTERD_CONFIG: configPath, ENTRA_CLIENT_SECRET: h.fake.clientSecret };
    const created = await runCliAsync(['admin-key', 'create', '--name', 'e2e admin', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };
    expect(token).toMatch(/^rosterd_admin_/);
    expect((await runCliAsync(['admin-key', 'list'], env)).stdout).toContain('e2e admin');

    daemon = startCli([], env);
    const url = /rosterd is listening on (\S+)/.exec(await daemon.ready)![1]!;

    context = await chromium.launchPersistentContext(mkdtempSync(path.join(dir, 'chromium-profile-')), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const page = context.pages()[0] ?? (await context.newPage());
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') blocked.push(message.text());
    });
    const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

    const first = await page.goto(`${url}/console`);
    expect(first?.status()).toBe(401);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot('01-sign-in');

    await page.getByLabel('Admin key').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
    expect(await page.getByText('signed in as').textContent()).toContain('e2e admin');
    await shot('02-workspaces');

    await page.getByRole('link', { name: WS, exact: true }).click();
    await page.getByRole('heading', { name: /^Members/ }).waitFor();
    expect(await page.locator('#members + section table tbody tr').count()).toBe(10);
    await shot('03-workspace');

    await page.getByRole('link', { name: planId }).first().click();
    await page.getByRole('button', { name: 'Approve and apply' }).waitFor();
    await shot('04-pending-plan');

    await page.getByRole('button', { name: 'Approve and apply' }).click();
    const notice = page.getByRole('status');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Approved by admin:e2e admin: applied plan');
    await shot('05-approved');
    expect(await findPlan(db.store.db, planId)).toMatchObject({ status: 'approved', decidedBy: 'admin:e2e admin' });
    expect((await findMemberByExternalId(db.store.db, WS, 'u-9'))?.active).toBe(false);
    expect((await findMemberByExternalId(db.store.db, WS, 'u-0'))?.active).toBe(true);

    // Decided once: the CLI's reject of the approved plan is refused.
    const reject = await runCliAsync(['plan', 'reject', planId], env);
    expect(reject.code).toBe(1);
    expect(reject.stderr).toContain(`plan ${planId} is approved; only a pending plan can be rejected [ROSTERD_E_PLAN]`);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByText('Your session has ended').count()).toBe(0);

    // Signed in again, the session ends at the next page once the key is revoked from the CLI.
    await page.getByLabel('Admin key').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
    const revoked = await runCliAsync(['admin-key', 'revoke', 'e2e admin'], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await page.reload();
    expect(after?.status()).toBe(401);
    await page.getByText('Your session has ended').waitFor();
    await shot('06-session-ended');
    // No console message: nothing the pages load is blocked by their Content-Security-Policy, and nothing fails.
    expect(blocked.filter((text) => !/status of 401/.test(text))).toEqual([]);
  });
});
