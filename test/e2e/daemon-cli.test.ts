import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OktaHarness } from '../contract/okta-harness.js';
import { assertBuilt, startCli } from '../support/run-cli.js';
import { waitFor } from '../support/wait-for.js';

/** `rosterd start` with a connector, as deployed: the built CLI pulls on its schedule and stops cleanly on SIGTERM. */
describe('rosterd start with a pull connector', () => {
  const okta = new OktaHarness();
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-daemon-cli-'));
  const configPath = path.join(dir, 'rosterd.yaml');

  beforeAll(async () => {
    assertBuilt();
    await okta.start();
    okta.addUser({ id: 'u-1', userName: 'ada@example.test', email: 'ada@example.test' });
    okta.assignUser('u-1', 'admin');
    writeFileSync(
      configPath,
      [
        `database: sqlite:${path.join(dir, 'rosterd.db')}`,
        'connectors:',
        '  - workspace: demo',
        '    kind: okta',
        '    schedule: "* * * * * *"',
        '    settings:',
        `      orgUrl: ${okta.fake.origin}`,
        `      appId: ${okta.directory.app.id}`,
        '      auth: { type: apiToken, apiToken: "${OKTA_API_TOKEN}" }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await okta.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the schedule beside the SCIM server, serves /metrics, and exits 0 on SIGTERM', async () => {
    const daemon = startCli(['--config', configPath], { ROSTERD_PORT: '0', OKTA_API_TOKEN: okta.fake.apiToken });
    const banner = await daemon.ready;
    const url = /rosterd is listening on (\S+)/.exec(banner)![1]!;
    const metrics = await waitFor('the first pull cycle in /metrics', async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return /rosterd_runs_total\{[^}]*result="applied"\} 1/.test(text) ? text : '';
    });
    expect(metrics).toMatch(/rosterd_changes_total\{workspace="demo",binding="okta",action="create"\} 1\n/);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    const logged = daemon
      .output()
      .stdout.split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.find((l) => l.msg === 'pull schedule')).toMatchObject({ workspaceId: 'demo', binding: 'okta', schedule: '* * * * * *' });
    expect(logged.some((l) => l.msg === 'shut down')).toBe(true);
  });
});
