import { constants, createHash, createPublicKey, type KeyObject, randomBytes, randomUUID, verify, X509Certificate } from 'node:crypto';
import type { GraphResponse } from './graph-errors.js';

/**
 * The Microsoft identity platform endpoints a real `ClientSecretCredential` calls when its `authorityHost` is
 * the fake: the tenant's OpenID configuration, then the client-credentials token request.
 * Errors use the AADSTS shape (`error`, `error_description`, `error_codes`) that @azure/identity reports.
 *
 * Client assertions (`client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`) are
 * checked as Entra does: a certificate assertion (`iss` = `sub` = client id, `x5t`/`x5t#S256` header) must be
 * signed (RS256/PS256) by a certificate uploaded to the app registration and addressed to the token endpoint;
 * a federated assertion (workload identity) must match a federated credential's issuer, subject and audience
 * and be signed (RS256) by that issuer's key. Also the App Service managed identity endpoint (`/msi/token`).
 */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A federated identity credential on the app registration, plus the key its issuer signs tokens with. */
export interface FederatedCredential {
  issuer: string;
  subject: string;
  audiences: string[];
  /** The issuer's public signing key (the fake's stand-in for fetching the issuer's JWKS). */
  publicKey: KeyObject | string;
}

export interface RegisteredClient {
  clientId: string;
  /** null: no secret; with no certificates or federated credentials either, any assertion is accepted as is. */
  secret: string | null;
  /** Certificates uploaded to the app registration (public part only). */
  certificates?: X509Certificate[];
  federatedCredentials?: FederatedCredential[];
}

/** The managed identity of the "host" the fake pretends to be (App Service: IDENTITY_ENDPOINT + IDENTITY_HEADER). */
export interface ManagedIdentityHost {
  /** The value App Service puts in IDENTITY_HEADER; requests must send it as X-IDENTITY-HEADER. */
  identityHeader: string;
  /** Whether the system-assigned identity is enabled. */
  systemAssigned: boolean;
  /** Client ids of the user-assigned identities attached to the host. */
  userAssignedClientIds: string[];
}

/** Certificate thumbprints as they appear in `x5t` (SHA-1) and `x5t#S256` (SHA-256) headers: base64url of the DER digest. */
export function certificateThumbprints(cert: X509Certificate): { x5t: string; x5tS256: string } {
  return {
    x5t: createHash('sha1').update(cert.raw).digest('base64url'),
    x5tS256: createHash('sha256').update(cert.raw).digest('base64url'),
  };
}

export class TokenEndpoint {
  readonly clients = new Map<string, RegisteredClient>();
  private readonly issued = new Set<string>();
  tokensIssued = 0;
  /** null: the fake is not a managed identity host, and `/msi/token` answers 400. */
  managedIdentity: ManagedIdentityHost | null = null;
  /** Managed identity token requests served, successful or not. */
  managedIdentityRequests = 0;

  constructor(readonly tenantId: string) {}

  /** Upload a certificate (PEM; only its public part is kept) to an app registration's credentials. */
  addCertificate(clientId: string, pem: string): void {
    const client = this.client(clientId);
    (client.certificates ??= []).push(new X509Certificate(pem));
  }

  addFederatedCredential(clientId: string, credential: FederatedCredential): void {
    const client = this.client(clientId);
    (client.federatedCredentials ??= []).push(credential);
  }

  private client(clientId: string): RegisteredClient {
    const client = this.clients.get(clientId);
    if (!client) throw new Error(`fake token endpoint: no client ${clientId}`);
    return client;
  }

  /**
   * GET /msi/token?api-version=2019-08-01&resource=…[&client_id=…] with X-IDENTITY-HEADER: the App Service
   * managed identity endpoint, answering `{ access_token, expires_on, resource, token_type, client_id }`.
   */
  handleManagedIdentity(method: string, query: URLSearchParams, identityHeader: string | undefined, origin: string): GraphResponse {
    this.managedIdentityRequests++;
    const host = this.managedIdentity;
    const fail = (status: number, message: string): GraphResponse => ({ status, body: { statusCode: status, message, correlationId: randomUUID() } });
    if (!host) return fail(400, 'No managed identity endpoint on this host.');
    if (method !== 'GET') return fail(405, 'The managed identity endpoint only accepts GET requests.');
    if (identityHeader !== host.identityHeader) return fail(401, 'The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.');
    if (query.get('api-version') !== '2019-08-01') return fail(400, `Unsupported api-version '${query.get('api-version')}'.`);
    const resource = query.get('resource') ?? '';
    // The connector asks for `${graphBaseUrl}/.default`, so the resource is the fake's own origin (or real Graph).
    if (![origin, 'https://graph.microsoft.com'].includes(resource.replace(/\/$/, ''))) {
      return fail(400, `The fake only issues tokens for Microsoft Graph (${origin}), not '${resource}'.`);
    }
    const clientId = query.get('client_id');
    if (query.has('object_id') || query.has('principal_id') || query.has('mi_res_id') || query.has('msi_res_id')) {
      return fail(400, 'The fake identifies user-assigned identities by client_id only.');
    }
    if (clientId === null ? !host.systemAssigned : !host.userAssignedClientIds.includes(clientId)) {
      return fail(400, clientId === null ? 'No system-assigned managed identity is enabled on this host.' : `No user-assigned managed identity with client id '${clientId}' is attached to this host.`);
    }
    const miClientId = clientId ?? `system-assigned-${this.tenantId}`;
    const now = Math.floor(Date.now() / 1000);
    const token = jwtLike({ aud: 'https://graph.microsoft.com', tid: this.tenantId, appid: miClientId, iat: now });
    this.issued.add(token);
    this.tokensIssued++;
    return { status: 200, body: { access_token: token, expires_on: String(now + 3599), resource, token_type: 'Bearer', client_id: miClientId } };
  }

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
    const lenient = client.secret === null && !client.certificates?.length && !client.federatedCredentials?.length;
    if (assertion !== null && !lenient) {
      const rejected = checkAssertion(client, form.get('client_assertion_type'), assertion, `${origin}/${tenant}/oauth2/v2.0/token`);
      if (rejected) return rejected;
    } else if (client.secret !== null ? form.get('client_secret') !== client.secret : !assertion) {
      return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
    }
    const token = jwtLike({ aud: 'https://graph.microsoft.com', tid: tenant, appid: clientId, iat: Math.floor(Date.now() / 1000) });
    this.issued.add(token);
    this.tokensIssued++;
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token } };
  }
}

interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signed: Buffer;
  signature: Buffer;
}

function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (typeof header !== 'object' || header === null || typeof payload !== 'object' || payload === null) return null;
    return {
      header: header as Record<string, unknown>,
      payload: payload as Record<string, unknown>,
      signed: Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'),
      signature: Buffer.from(parts[2]!, 'base64url'),
    };
  } catch {
    return null;
  }
}

/** RS256 or PS256 (what MSAL uses with x5t#S256) with the given public key; other algorithms never verify. */
function verifySignature(jwt: DecodedJwt, key: KeyObject, algorithms: readonly string[]): boolean {
  const alg = jwt.header.alg;
  if (typeof alg !== 'string' || !algorithms.includes(alg) || key.asymmetricKeyType !== 'rsa') return false;
  try {
    if (alg === 'RS256') return verify('sha256', jwt.signed, key, jwt.signature);
    if (alg === 'PS256') {
      return verify('sha256', jwt.signed, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jwt.signature);
    }
  } catch {
    return false;
  }
  return false;
}

/** The `exp`/`nbf` window, with Entra's five minutes of clock skew; null when the assertion is current. */
function timeRangeError(payload: Record<string, unknown>): GraphResponse | null {
  const now = Math.floor(Date.now() / 1000);
  const exp = payload.exp;
  const nbf = payload.nbf;
  if (typeof exp !== 'number' || exp + 300 < now || (typeof nbf === 'number' && nbf - 300 > now)) {
    return aadError(401, 'invalid_client', 700024, `Client assertion is not within its valid time range. Current time: ${new Date(now * 1000).toISOString()}, assertion valid from ${typeof nbf === 'number' ? new Date(nbf * 1000).toISOString() : 'unknown'}, expiry time of assertion ${typeof exp === 'number' ? new Date(exp * 1000).toISOString() : 'missing'}.`);
  }
  return null;
}

/** null when the assertion authenticates the client; else the AADSTS error Entra would answer. */
function checkAssertion(client: RegisteredClient, type: string | null, assertion: string, tokenEndpoint: string): GraphResponse | null {
  if (type !== JWT_BEARER) {
    return aadError(400, 'invalid_request', 90014, `The request body must contain the following parameter: 'client_assertion_type' = '${JWT_BEARER}'.`);
  }
  const jwt = decodeJwt(assertion);
  if (!jwt) return aadError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
  const { header, payload } = jwt;
  const x5t = typeof header['x5t'] === 'string' ? header['x5t'] : undefined;
  const x5tS256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
  if (x5t !== undefined || x5tS256 !== undefined || payload.iss === client.clientId) {
    // A certificate assertion (private_key_jwt).
    const cert = client.certificates?.find((c) => {
      const t = certificateThumbprints(c);
      return x5tS256 !== undefined ? t.x5tS256 === x5tS256 : t.x5t === x5t;
    });
    if (!cert) {
      return aadError(401, 'invalid_client', 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${x5tS256 ?? x5t ?? 'none'}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${client.clientId}'.]`);
    }
    if (!verifySignature(jwt, cert.publicKey, ['RS256', 'PS256'])) {
      return aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value.]');
    }
    if (payload.aud !== tokenEndpoint) {
      return aadError(401, 'invalid_client', 700027, `Client assertion contains an invalid audience '${String(payload.aud)}'; expected '${tokenEndpoint}'.`);
    }
    if (payload.iss !== client.clientId || payload.sub !== client.clientId) {
      return aadError(401, 'invalid_client', 700027, `Client assertion issuer and subject must both be the client id '${client.clientId}'.`);
    }
    return timeRangeError(payload);
  }
  // A federated assertion (workload identity): a token from a trusted external issuer.
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const federated = client.federatedCredentials?.find(
    (f) => f.issuer === payload.iss && f.subject === payload.sub && audiences.some((a) => f.audiences.includes(String(a))),
  );
  if (!federated) {
    return aadError(400, 'invalid_request', 70021, `No matching federated identity record found for presented assertion. Assertion Issuer: '${String(payload.iss)}'. Assertion Subject: '${String(payload.sub)}'. Assertion Audience: '${audiences.map(String).join(',')}'.`);
  }
  const key = typeof federated.publicKey === 'string' ? createPublicKey(federated.publicKey) : federated.publicKey;
  if (!verifySignature(jwt, key, ['RS256'])) {
    return aadError(401, 'invalid_client', 700027, `Client assertion failed signature validation. [Reason - The key was not found or the signature did not match the keys of issuer '${String(payload.iss)}'.]`);
  }
  return timeRangeError(payload);
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
