import { builtInConnectors } from '../../connectors/index.js';
import { RosterdError } from '../error/rosterd-error.js';
import type { ConnectorDefinition } from './connector.js';

/** `load` runs only when a binding uses it, so SCIM-only gateways never load an SDK. */
export interface ConnectorLoader {
  readonly kind: string;
  load(): Promise<ConnectorDefinition<unknown>>;
}

const registered = new Map<string, ConnectorLoader>();

/** Returns an unregister function. */
export function registerConnector(loader: ConnectorLoader): () => void {
  if (registered.has(loader.kind)) throw new Error(`connector kind "${loader.kind}" is already registered`);
  registered.set(loader.kind, loader);
  return () => {
    if (registered.get(loader.kind) === loader) registered.delete(loader.kind);
  };
}

for (const loader of builtInConnectors) registerConnector(loader);

export function connectorKinds(): string[] {
  return [...registered.keys()].sort();
}

export function isConnectorKind(kind: string): boolean {
  return registered.has(kind);
}

export function unknownConnectorKind(kind: string): string {
  return `unknown connector kind "${kind}"; known: ${connectorKinds().join(', ')}`;
}

export async function connectorDefinition(kind: string): Promise<ConnectorDefinition<unknown>> {
  const loader = registered.get(kind);
  if (!loader) throw new RosterdError('ROSTERD_E_CONFIG', unknownConnectorKind(kind));
  return loader.load();
}
