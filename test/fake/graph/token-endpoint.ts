import { randomBytes, randomUUID } from 'node:crypto';
import type { GraphResponse } from './graph-errors.js';

/**
 * The Microsoft identity platform endpoints a real `ClientSecretCredential` calls when its `authorityHost` is
 * the fake (reference §A6.5): the tenant's OpenID configuration, then the client-credentials token request.
 * Errors use the AADSTS shape (`error`, `error_description`, `error_codes`) that @azure/identity reports.
 */
export interface RegisteredClient {
  clientId: string;
  /** null: the client authenticates with a certificate or federated assertion, which the fake accepts as is. */
  secret: string | null;
}

export class TokenEndpoint {
  readonly clients = new Map<string, RegisteredClient>();
  private readonly issued = new Set<string>();
  tokensIssued = 0;

  constructor(readonly tenantId: string) {}

  /** Whether the fake issued this bearer token (Graph answers 401 otherwise). */
  accepts(token: string): boolean {
    return this.issued.has(token);
  }

  /** Handles `/{tenant}/v2.0/.well-known/openid-configuration` and `/{tenant}/oauth2/v2.0/token`; null when the path is neither. */
  handle(method: string, path: string, form: URLSearchParams, origin: string): GraphResponse | null {
    const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(path);
    if (!m) return null;
    const [, tenant, which] = m as unknown as [string, string, string];
    if (tenant !== this.tenantId) {
      return aadError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    if (which.startsWith('v2.0')) {
      const base = `${origin}/${tenant}`;
      return {
        status: 200,
        body: {
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
          issuer: `${base}/v2.0`,
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          tenant_region_scope: 'EU',
        },
      };
    }
    if (method !== 'POST') return aadError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
    if (form.get('grant_type') !== 'client_credentials') {
      return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.get('grant_type')}'.`);
    }
    const clientId = form.get('client_id') ?? '';
    const client = this.clients.get(clientId);
    if (!client) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
    }
    const assertion = form.get('client_assertion');
    if (client.secret !== null ? form.get('client_secret') !== client.secret : !assertion) {
      return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
    }
    const token = jwtLike({ aud: 'https://graph.microsoft.com', tid: tenant, appid: clientId, iat: Math.floor(Date.now() / 1000) });
    this.issued.add(token);
    this.tokensIssued++;
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token } };
  }
}

function aadError(status: number, error: string, code: number, description: string): GraphResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

/** Unsigned, but shaped like the JWT the real endpoint returns, so nothing downstream chokes on the format. */
function jwtLike(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'none' })}.${part({ ...claims, jti: randomUUID() })}.${randomBytes(16).toString('base64url')}`;
}
