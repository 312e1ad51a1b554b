import { builtInConnectors } from '../../connectors/index.js';
import { RosterdError } from '../error/rosterd-error.js';
import type { ConnectorDefinition } from './connector.js';

/**
 * A connector kind as the registry holds it: its name in a binding's `kind`, and how to load its definition. The
 * load runs only when a binding of the kind is used, so a gateway that serves only SCIM push never loads an SDK.
 */
export interface ConnectorLoader {
  readonly kind: string;
  load(): Promise<ConnectorDefinition<unknown>>;
}

/** The registered kinds by name, starting with the ones `connectors/index.ts` lists. */
const registered = new Map<string, ConnectorLoader>();

/** Adds a kind; the function it returns removes it again. A kind registered twice is a programming error. */
export function registerConnector(loader: ConnectorLoader): () => void {
  if (registered.has(loader.kind)) throw new Error(`connector kind "${loader.kind}" is already registered`);
  registered.set(loader.kind, loader);
  return () => {
    if (registered.get(loader.kind) === loader) registered.delete(loader.kind);
  };
}

for (const loader of builtInConnectors) registerConnector(loader);

/** The registered kinds, sorted, for messages and validation. */
export function connectorKinds(): string[] {
  return [...registered.keys()].sort();
}

export function isConnectorKind(kind: string): boolean {
  return registered.has(kind);
}

/** The one line that refuses a kind no connector registered: `unknown connector kind "azure"; known: entra, okta`. */
export function unknownConnectorKind(kind: string): string {
  return `unknown connector kind "${kind}"; known: ${connectorKinds().join(', ')}`;
}

/** The definition of a registered kind, loaded on first use. */
export async function connectorDefinition(kind: string): Promise<ConnectorDefinition<unknown>> {
  const loader = registered.get(kind);
  if (!loader) throw new RosterdError('ROSTERD_E_CONFIG', unknownConnectorKind(kind));
  return loader.load();
}
