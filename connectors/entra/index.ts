import type { ConnectorDefinition } from '../../src/connector/connector.js';
import { EntraConnector } from './entra-connector.js';
import { type EntraConfig, entraConfigSchema } from './entra-config.js';

/**
 * Entra ID (Microsoft Graph) pull connector: who is assigned to an enterprise application, with which app
 * role and which profile attributes. See README.md for the Graph permissions and configuration.
 */
export const entraConnector: ConnectorDefinition<EntraConfig> = {
  kind: 'entra',
  configSchema: entraConfigSchema,
  create: (config, deps) => new EntraConnector(config, deps),
};

export { entraConfigSchema, type EntraConfig, type EntraConfigInput } from './entra-config.js';
