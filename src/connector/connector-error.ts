import { RosterdError } from '../error/rosterd-error.js';

/** Names the connector and what to check. */
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
