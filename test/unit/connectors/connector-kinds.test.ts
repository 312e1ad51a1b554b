import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../../src/config/load-config.js';
import type { Connector, ConnectorDefinition, ConnectorDeps } from '../../../src/connector/connector.js';
import { connectorDefinition, connectorKinds, registerConnector } from '../../../src/connector/connector-kinds.js';
import { createBoundConnector } from '../../../src/connector/connector-registry.js';
import { workspacePolicySchema } from '../../../src/model/workspace-policy.js';
import type { Workspace } from '../../../src/model/workspace.js';

/** A third IdP registered through the registry's API alone, the way a folder under connectors/ adds one. */
const acmeConfigSchema = z.object({ tenant: z.string().min(1), mapping: z.record(z.string(), z.unknown()) }).strict();
type AcmeConfig = z.infer<typeof acmeConfigSchema>;

const created: AcmeConfig[] = [];
const acmeConnector: ConnectorDefinition<AcmeConfig> = {
  kind: 'acme-idp',
  configSchema: acmeConfigSchema,
  create(config): Connector {
    created.push(config);
    const empty = (async function* () {})();
    return {
      kind: 'acme-idp',
      fetchSnapshot: async () => ({ members: empty, complete: true, problems: [], cursor: null }),
      fetchChanges: async () => ({ changes: empty, complete: false, problems: [], cursor: null, resyncRequired: true }),
      fetchOne: async () => null,
      findUser: async () => null,
      testConnection: async () => ({ summary: `acme tenant ${config.tenant}`, sample: [] }),
    };
  },
};

const workspace: Workspace = {
  id: 'acme',
  name: 'Acme',
  version: 'v2',
  extensionUrn: 'urn:ext',
  policy: workspacePolicySchema.parse({}),
  revision: 1,
  createdAt: '',
  updatedAt: '',
};
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const deps: ConnectorDeps = { log: quiet, clock: () => new Date() };

const configFile = (text: string) => {
  const p = path.join(mkdtempSync(path.join(tmpdir(), 'rosterd-kinds-')), 'rosterd.yaml');
  writeFileSync(p, text);
  return p;
};
const binding = (kind: string, settings: string) => `connectors:\n  - workspace: acme\n    kind: ${kind}\n    settings: ${settings}\n`;

describe('connector kinds', () => {
  const unregister: (() => void)[] = [];
  afterEach(() => {
    for (const remove of unregister.splice(0)) remove();
    created.length = 0;
  });

  it('lists the kinds connectors/index.ts registers, without loading them', () => {
    expect(connectorKinds()).toEqual(['entra', 'okta']);
  });

  it('resolves a registered third kind from a configuration, loading it only when a binding is used', async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      return acmeConnector;
    };
    unregister.push(registerConnector({ kind: 'acme-idp', load }));
    const config = loadConfig({ path: configFile(binding('acme-idp', '{ tenant: t1 }')), env: {} });
    expect(config.connectors[0]!.kind).toBe('acme-idp');
    expect(loads).toBe(0);
    const connector = await createBoundConnector(config.connectors[0]!, 0, workspace, deps);
    expect(loads).toBe(1);
    expect(connector.kind).toBe('acme-idp');
    expect((await connector.testConnection()).summary).toBe('acme tenant t1');
    // The binding's settings went through the kind's own schema, with the workspace's role vocabulary as defaults.
    expect(created[0]).toMatchObject({ tenant: 't1', mapping: { roleValueMap: {}, rolePrecedence: ['admin', 'editor', 'viewer'] } });
  });

  it("names the config key when the settings do not fit the kind's schema", async () => {
    unregister.push(registerConnector({ kind: 'acme-idp', load: async () => acmeConnector }));
    const config = loadConfig({ path: configFile(binding('acme-idp', '{ tenant: "" }')), env: {} });
    await expect(createBoundConnector(config.connectors[0]!, 0, workspace, deps)).rejects.toThrow(/^connectors\.0\.settings\.tenant: /);
  });

  it('refuses an unknown kind in one line that names the known kinds', () => {
    const file = configFile(binding('azure', '{}'));
    expect(() => loadConfig({ path: file, env: {} })).toThrow(`config file ${file}: connectors.0.kind: unknown connector kind "azure"; known: entra, okta`);
  });

  it('names a registered kind among the known ones, and forgets it once removed', async () => {
    const remove = registerConnector({ kind: 'acme-idp', load: async () => acmeConnector });
    expect(connectorKinds()).toEqual(['acme-idp', 'entra', 'okta']);
    expect(() => loadConfig({ path: configFile(binding('azure', '{}')), env: {} })).toThrow('known: acme-idp, entra, okta');
    remove();
    expect(connectorKinds()).toEqual(['entra', 'okta']);
    await expect(connectorDefinition('acme-idp')).rejects.toThrow('unknown connector kind "acme-idp"; known: entra, okta');
  });

  it('refuses to register a kind twice', () => {
    expect(() => registerConnector({ kind: 'okta', load: async () => acmeConnector })).toThrow('connector kind "okta" is already registered');
  });
});
