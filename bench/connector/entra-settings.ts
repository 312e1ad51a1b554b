import type { Target } from './fake-process.js';

/** The Entra connector settings that point at a fake Graph process, as an operator would write them. */
export function entraSettings(target: Extract<Target, { idp: 'entra' }>, mapping: object): Record<string, unknown> {
  return {
    tenantId: target.tenantId,
    clientId: target.clientId,
    credentials: { type: 'clientSecret', clientSecret: target.clientSecret },
    servicePrincipalId: target.servicePrincipalId,
    graphBaseUrl: target.origin,
    authorityHost: target.origin,
    mapping,
  };
}
