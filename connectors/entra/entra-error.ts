import { ConnectorError } from '../../src/connector/connector-error.js';
import type { GraphFailure } from './entra-client.js';
import type { EntraConfig } from './entra-config.js';
import { credentialHint } from './entra-credential.js';

/** A 403 names the Graph application permission the read needs. */
export const CONNECTOR_NAME = 'entra connector';

export interface GraphOperation {
  what: string;
  permission: 'Application.Read.All' | 'User.Read.All' | 'GroupMember.Read.All';
}

export const OPERATIONS = {
  servicePrincipal: { what: "read the application's service principal and app roles", permission: 'Application.Read.All' },
  assignments: { what: "list the application's assignments (appRoleAssignedTo)", permission: 'Application.Read.All' },
  groupMembers: { what: 'list the members of an assigned group', permission: 'GroupMember.Read.All' },
  users: { what: 'read user profiles', permission: 'User.Read.All' },
  findUser: { what: 'look up a user by userName (/users?$filter=…)', permission: 'User.Read.All' },
  userDelta: { what: 'read user changes (/users/delta)', permission: 'User.Read.All' },
  memberOf: { what: "read a user's group memberships", permission: 'GroupMember.Read.All' },
} as const satisfies Record<string, GraphOperation>;

/** From errorResponse.errorCodes or the message. */
function aadstsCode(err: unknown): number | null {
  const response = (err as { errorResponse?: { errorCodes?: number[]; errorDescription?: string } })?.errorResponse;
  if (response?.errorCodes?.[0] !== undefined) return response.errorCodes[0];
  const match = /AADSTS(\d+)/.exec(`${response?.errorDescription ?? ''} ${(err as Error)?.message ?? ''}`);
  return match ? Number(match[1]) : null;
}

export function connectorErrorFor(failure: GraphFailure, config: EntraConfig, op: GraphOperation): ConnectorError {
  const app = `client ${config.clientId} in tenant ${config.tenantId}`;
  if (failure.status === 0) return credentialFailure(failure, config);
  if (failure.status === 401) {
    return new ConnectorError(
      CONNECTOR_NAME,
      'credentials',
      `Graph at ${config.graphBaseUrl} rejected the access token for ${app} (${failure.code}: ${failure.message}); check that tenantId and clientId are right and that authorityHost ${config.authorityHost} is the same cloud as graphBaseUrl`,
    );
  }
  if (failure.status === 403) {
    return new ConnectorError(
      CONNECTOR_NAME,
      'permissions',
      `Graph denied ${app} to ${op.what} (${failure.code}); grant the application permission ${op.permission} (Microsoft Graph, Application type) to the app registration and grant admin consent`,
    );
  }
  if (failure.status === 404) {
    const sp = config.servicePrincipalId ? `servicePrincipalId ${config.servicePrincipalId}` : `appId ${config.appId}`;
    return new ConnectorError(
      CONNECTOR_NAME,
      'not_found',
      `Graph found nothing at ${op.what} (${failure.code}: ${failure.message}); check ${sp} (the enterprise application's object id, or the application id) in tenant ${config.tenantId}`,
    );
  }
  if (failure.status === 400) {
    return new ConnectorError(
      CONNECTOR_NAME,
      'config',
      `Graph refused the request to ${op.what} (${failure.code}: ${failure.message}); check the mapping's source attributes, which must be user properties Graph can $select`,
    );
  }
  if (failure.status === 429) {
    return new ConnectorError(CONNECTOR_NAME, 'throttled', `Graph kept throttling the requests to ${op.what} after retries (${failure.code}); try a later cycle or a longer schedule`);
  }
  const where = failure.status === -1 ? `could not reach Graph at ${config.graphBaseUrl}` : `Graph answered ${failure.status}`;
  return new ConnectorError(CONNECTOR_NAME, 'unavailable', `${where} while trying to ${op.what} (${failure.code}: ${failure.message}); check the network and graphBaseUrl, then retry`);
}

function credentialFailure(failure: GraphFailure, config: EntraConfig): ConnectorError {
  const err = failure.credentialError;
  const app = `client ${config.clientId} in tenant ${config.tenantId}`;
  const code = aadstsCode(err);
  const detail = code !== null ? `AADSTS${code}` : ((err as Error)?.name ?? 'error');
  const hint = credentialHint(config);
  const known: Record<number, string> = {
    7000215: `the client secret was rejected for ${app} (${detail}); ${hint}`,
    7000222: `the client secret for ${app} has expired (${detail}); create a new secret and update credentials.clientSecret`,
    700016: `application ${config.clientId} was not found in tenant ${config.tenantId} (${detail}); check clientId and tenantId`,
    90002: `tenant ${config.tenantId} was not found at ${config.authorityHost} (${detail}); check tenantId and authorityHost`,
    // AADSTS700027: the client assertion (certificate or federated token) failed validation.
    700027:
      config.credentials.type === 'workloadIdentity'
        ? `the federated token was rejected for ${app} (${detail}); ${hint}`
        : `the certificate was rejected for ${app} (${detail}); ${hint}`,
    70021: `no federated credential of ${app} matches the token's issuer, subject and audience (${detail}); ${hint}`,
  };
  const text = `${(err as Error)?.message ?? ''} ${failure.message}`;
  // MSAL could not load the tenant's OpenID configuration: unknown tenant or wrong authority host.
  const endpoints = /endpoints_resolution_error|openid-configuration/i.test(text)
    ? `could not find tenant ${config.tenantId} at ${config.authorityHost} (${detail}); check tenantId and authorityHost (the cloud's login host, such as https://login.microsoftonline.us)`
    : undefined;
  const message =
    (code !== null ? known[code] : undefined) ??
    endpoints ??
    `could not get a token for ${app} from ${config.authorityHost} (${detail}: ${firstLine(failure.message)}); check tenantId, clientId and authorityHost, and ${hint.replace(/^check /, '')}`;
  return new ConnectorError(CONNECTOR_NAME, 'credentials', message);
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]!.slice(0, 300);
}
