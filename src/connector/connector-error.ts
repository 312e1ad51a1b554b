import { RosterdError } from '../error/rosterd-error.js';

/** A connector failure a person can act on: names the connector and what to check. */
export class ConnectorError extends RosterdError {
  constructor(
    readonly connector: string,
    readonly reason: 'credentials' | 'permissions' | 'not_found' | 'throttled' | 'unavailable' | 'config',
    message: string,
  ) {
    super('ROSTERD_E_CONNECTOR', `${connector}: ${message}`);
    this.name = 'ConnectorError';
  }
}
