import type { ConnectorLoader } from '../src/connector/connector-kinds.js';

/** Each loaded only when a binding uses it. */
export const builtInConnectors: readonly ConnectorLoader[] = [
  { kind: 'entra', load: async () => (await import('./entra/index.js')).entraConnector },
  { kind: 'okta', load: async () => (await import('./okta/index.js')).oktaConnector },
];
