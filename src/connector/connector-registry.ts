import { bindingName, type ConnectorBinding } from '../config/config-schema.js';
import { assertSecretsResolved } from '../config/binding-secrets.js';
import { describeIssues } from '../config/load-config.js';
import { RosterdError } from '../error/rosterd-error.js';
import type { Workspace } from '../model/workspace.js';
import type { Connector, ConnectorDefinition, ConnectorDeps } from './connector.js';
import { connectorDefinition } from './connector-kinds.js';

/** The workspace's role vocabulary as mapping defaults, so push and pull agree. */
function settingsFor(binding: ConnectorBinding, workspace: Workspace): Record<string, unknown> {
  const mapping = (binding.settings.mapping ?? {}) as Record<string, unknown>;
  return {
    ...binding.settings,
    mapping: {
      roleValueMap: workspace.policy.roleValueMap,
      rolePrecedence: workspace.policy.rolePrecedence,
      ...mapping,
    },
  };
}

/** Errors name the config key. */
function parseSettings(definition: ConnectorDefinition<unknown>, binding: ConnectorBinding, index: number, workspace: Workspace): unknown {
  const parsed = definition.configSchema.safeParse(settingsFor(binding, workspace));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ ...issue, path: ['connectors', index, 'settings', ...issue.path] }));
    throw new RosterdError('ROSTERD_E_CONFIG', describeIssues(issues));
  }
  return parsed.data;
}

/** The binding's settings checked by its kind's schema, without contacting the IdP. */
export async function checkBindingSettings(binding: ConnectorBinding, index: number, workspace: Workspace): Promise<void> {
  assertSecretsResolved(binding);
  parseSettings(await connectorDefinition(binding.kind), binding, index, workspace);
}

export async function createBoundConnector(binding: ConnectorBinding, index: number, workspace: Workspace, deps: ConnectorDeps): Promise<Connector> {
  assertSecretsResolved(binding);
  const definition = await connectorDefinition(binding.kind);
  return definition.create(parseSettings(definition, binding, index, workspace), deps);
}

export function bindingFor(bindings: readonly ConnectorBinding[], workspaceId: string, name?: string): { binding: ConnectorBinding; index: number } {
  const index = bindings.findIndex((b) => b.workspace === workspaceId && (name === undefined || bindingName(b) === name));
  if (index < 0 && name !== undefined) {
    throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${workspaceId}" has no connector named "${name}" in the configuration`);
  }
  if (index < 0) {
    throw new RosterdError(
      'ROSTERD_E_NOT_FOUND',
      `workspace "${workspaceId}" has no connector in the configuration; add one under connectors: (see config/rosterd.example.yaml)`,
    );
  }
  return { binding: bindings[index]!, index };
}
