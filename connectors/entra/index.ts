import type { ConnectorDefinition } from '../../src/connector/connector.js';
import { EntraConnector } from './entra-connector.js';
import { type EntraConfig, entraConfigSchema } from './entra-config.js';

/** Permissions and configuration: README.md. */
export const entraConnector: ConnectorDefinition<EntraConfig> = {
  kind: 'entra',
  configSchema: entraConfigSchema,
  create: (config, deps) => new EntraConnector(config, deps),
};

export { entraConfigSchema, type EntraConfig, type EntraConfigInput } from './entra-config.js';
