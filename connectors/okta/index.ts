import type { ConnectorDefinition } from '../../src/connector/connector.js';
import { OktaConnector } from './okta-connector.js';
import { type OktaConfig, oktaConfigSchema } from './okta-config.js';

/** OAuth scopes and configuration: README.md. */
export const oktaConnector: ConnectorDefinition<OktaConfig> = {
  kind: 'okta',
  configSchema: oktaConfigSchema,
  create: (config, deps) => new OktaConnector(config, deps),
};

export { oktaConfigSchema, type OktaConfig, type OktaConfigInput } from './okta-config.js';
