import type { ConnectorLoader } from '../src/connector/connector-kinds.js';

/** Built-in kinds, each loaded only when a binding uses it. A new IdP is a sibling folder plus one line here. */
export const builtInConnectors: readonly ConnectorLoader[] = [
  { kind: 'entra', load: async () => (await import('./entra/index.js')).entraConnector },
  { kind: 'okta', load: async () => (await import('./okta/index.js')).oktaConnector },
];
