import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraHarness } from '../contract/entra-harness.js';
import { OktaHarness } from '../contract/okta-harness.js';
import { bindingSecrets, entraBindingYaml, oktaBindingYaml } from '../support/binding-yaml.js';
import { assertBuilt, runCli, runCliAsync } from '../support/run-cli.js';

/**
 * `rosterd connector test` as an admin runs it: the built CLI, a YAML config, secrets from the environment.
 * Nothing here changes the database or the fakes once set up, so the tests and their invocations run concurrently
 * (vitest runs one file at a time on this 2-core machine); they take `expect` from their context for that.
 */
describe('rosterd connector test', () => {
  const entra = new EntraHarness();
  const okta = new OktaHarness();
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-connector-cli-'));
  const configPath = path.join(dir, 'rosterd.yaml');
  let env: Record<string, string>;

  beforeAll(async () => {
    assertBuilt();
    await Promise.all([entra.start(), okta.start()]);
    for (const harness of [entra, okta]) {
      harness.addUser({ id: `${harness.kind}-u1`, userName: 'ada@contoso.example', givenName: 'Ada', familyName: 'Lovelace', email: 'ada@contoso.example', profile: { [harness.creditLimitSource]: 300 } });
      harness.assignUser(`${harness.kind}-u1`, 'admin');
      harness.addUser({ id: `${harness.kind}-u2`, userName: 'bob@contoso.example', email: 'bob@contoso.example' });
      harness.addGroup(`${harness.kind}-g1`, 'Engineering', [`${harness.kind}-u2`]);
      harness.assignGroup(`${harness.kind}-g1`, 'editor');
    }
    writeFileSync(
      configPath,
      [
        `database: sqlite:${path.join(dir, 'rosterd.db')}`,
        'connectors:',
        ...entraBindingYaml(entra, 'contoso', `{ creditLimit: ${entra.creditLimitSource} }`, ['schedule: "*/5 * * * *"']),
        ...oktaBindingYaml(okta, 'acme', `{ creditLimit: ${okta.creditLimitSource} }`),
        '  - workspace: broken',
        '    kind: okta',
        '    settings:',
        `      orgUrl: ${okta.fake.origin}`,
        '      appID: typo',
        '',
      ].join('\n'),
    );
    env = { ROSTERD_CONFIG: configPath, ...bindingSecrets(entra, okta) };
    // The first creates and migrates the database; the others only insert, side by side.
    expect(runCli(['workspace', 'create', 'contoso'], env).code).toBe(0);
    for (const created of await Promise.all(['acme', 'broken', 'unbound'].map((id) => runCliAsync(['workspace', 'create', id], env)))) expect(created.code, created.stderr).toBe(0);
  });
  afterAll(() => Promise.all([entra.stop(), okta.stop()]));

  it.concurrent.for<[string, string]>([
    ['contoso', 'entra'],
    ['acme', 'okta'],
  ])('reads one page of %s (%s) and shows each member with role, credit limit and how it was granted', async ([workspace, kind], { expect }) => {
    const result = await runCliAsync(['connector', 'test', workspace], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${kind} connector for workspace ${workspace}:`);
    expect(result.stdout).toMatch(/ada@contoso\.example\s+yes\s+admin\s+300\s+-\s+direct/);
    expect(result.stdout).toMatch(/bob@contoso\.example\s+yes\s+editor\s+.*group Engineering/);
  });

  it.concurrent('gives one clear line naming the connector and what to check when the credentials are wrong', async ({ expect }) => {
    const results = await Promise.all(
      [
        ['contoso', 'ENTRA_CLIENT_SECRET'],
        ['acme', 'OKTA_API_TOKEN'],
      ].map(([workspace, variable]) => runCliAsync(['connector', 'test', workspace!], { ...env, [variable!]: 'wrong' })),
    );
    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/connector.*\[ROSTERD_E_CONNECTOR\]$/m);
    }
  });

  it.concurrent('names the wrong settings key, a missing secret, and a workspace without a connector', async ({ expect }) => {
    const [broken, noSecret, unbound] = await Promise.all([
      runCliAsync(['connector', 'test', 'broken'], env),
      runCliAsync(['connector', 'test', 'acme'], { ...env, OKTA_API_TOKEN: '' }),
      runCliAsync(['connector', 'test', 'unbound'], env),
    ]);
    expect(broken.stderr).toMatch(/connectors\.2\.settings/);
    expect(noSecret.stderr).toMatch(/OKTA_API_TOKEN|apiToken/);
    expect(unbound.stderr).toMatch(/workspace "unbound" has no connector/);
  });
});
