import type { RosterdError } from '../error/rosterd-error.js';
import type { ConnectorBinding } from './config-schema.js';

/** Raised only when the binding is used, so commands that don't use it need not have its secrets. */
const unresolved = new WeakMap<ConnectorBinding, RosterdError>();

export function markUnresolved(binding: ConnectorBinding, error: RosterdError): void {
  unresolved.set(binding, error);
}

export function assertSecretsResolved(binding: ConnectorBinding): void {
  const error = unresolved.get(binding);
  if (error) throw error;
}
