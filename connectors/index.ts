import type { ConnectorLoader } from '../src/connector/connector-kinds.js';

/**
 * The connector kinds rosterd ships, each loaded only when a binding of its kind is used. Adding an IdP is a
 * folder beside these whose index.ts exports its ConnectorDefinition, and one line here.
 */
export const builtInConnectors: readonly ConnectorLoader[] = [
  { kind: 'entra', load: async () => (await import('./entra/index.js')).entraConnector },
  { kind: 'okta', load: async () => (await import('./okta/index.js')).oktaConnector },
];
