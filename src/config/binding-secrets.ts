import type { RosterdError } from '../error/rosterd-error.js';
import type { ConnectorBinding } from './config-schema.js';

/**
 * A binding whose settings name an environment variable that is not set: the error is kept here and raised when
 * the binding is used (a pull cycle, `connector test`, `reconcile`) or when the daemon starts its schedules, so
 * that `rosterd members` or a binding's neighbour does not need every connector's secret.
 */
const unresolved = new WeakMap<ConnectorBinding, RosterdError>();

export function markUnresolved(binding: ConnectorBinding, error: RosterdError): void {
  unresolved.set(binding, error);
}

/** Throw the binding's missing-variable error, if it has one. */
export function assertSecretsResolved(binding: ConnectorBinding): void {
  const error = unresolved.get(binding);
  if (error) throw error;
}
