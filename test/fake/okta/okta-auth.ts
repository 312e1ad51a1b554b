import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

/**
 * Who may call the fake org, and with which scopes: `SSWS <token>` API tokens, and OAuth 2.0
 * service apps that get a `Bearer` token from `POST /oauth2/v1/token` with a private-key JWT client assertion,
 * which the fake verifies against the registered public key, audience, issuer and expiry like Okta does.
 */
export const OKTA_READ_SCOPES = ['okta.apps.read', 'okta.users.read', 'okta.groups.read', 'okta.logs.read'] as const;

export interface ServiceAppRegistration {
  clientId: string;
  /** PEM (SPKI) or a KeyObject of the key pair whose private half the connector holds. */
  publicKey: string | KeyObject;
  /** When set, the assertion's `kid` header must match. */
  keyId?: string;
  /** Scopes granted to the service app; a token request for more gets `invalid_scope`. */
  grantedScopes?: readonly string[];
}

export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

const b64json = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

export class FakeOktaAuth {
  private readonly apiTokens = new Map<string, Set<string>>();
  private readonly serviceApps = new Map<string, { key: KeyObject; keyId?: string; granted: Set<string> }>();
  private readonly accessTokens = new Map<string, Set<string>>();
  tokenRequests = 0;

  /** An API token acts with its admin's permissions; `scopes` models an admin who may read only some of it. */
  addApiToken(token: string, scopes: readonly string[] = OKTA_READ_SCOPES): void {
    this.apiTokens.set(token, new Set(scopes));
  }

  registerServiceApp(app: ServiceAppRegistration): void {
    const key = typeof app.publicKey === 'string' ? createPublicKey(app.publicKey) : app.publicKey;
    this.serviceApps.set(app.clientId, { key, ...(app.keyId ? { keyId: app.keyId } : {}), granted: new Set(app.grantedScopes ?? OKTA_READ_SCOPES) });
  }

  /** Forget issued access tokens, as if they expired: the SDK then gets a 401 and fetches a new one. */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  reset(): void {
    this.accessTokens.clear();
    this.tokenRequests = 0;
  }

  /** The scopes the caller holds, or null for a missing or unknown credential (→ 401 E0000011). */
  authenticate(header: string | undefined): Set<string> | null {
    const match = /^(SSWS|Bearer)\s+(.+)$/.exec(header ?? '');
    if (!match) return null;
    const [, scheme, token] = match;
    return (scheme === 'SSWS' ? this.apiTokens.get(token!) : this.accessTokens.get(token!)) ?? null;
  }

  /** `POST /oauth2/v1/token` with grant_type=client_credentials and a private_key_jwt client assertion. */
  issueToken(form: URLSearchParams, tokenUrl: string, nowMs: number): TokenResponse {
    this.tokenRequests++;
    const fail = (status: number, error: string, description: string): TokenResponse => ({ status, body: { error, error_description: description } });
    if (form.get('grant_type') !== 'client_credentials') return fail(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return fail(401, 'invalid_client', 'client_assertion_type is missing or wrong.');
    const parts = (form.get('client_assertion') ?? '').split('.');
    if (parts.length !== 3) return fail(401, 'invalid_client', 'The client_assertion is not a JWT.');
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = b64json(parts[0]!);
      claims = b64json(parts[1]!);
    } catch {
      return fail(401, 'invalid_client', 'The client_assertion is not a JWT.');
    }
    const app = this.serviceApps.get(String(claims.iss));
    if (!app || claims.sub !== claims.iss) return fail(401, 'invalid_client', 'The client_assertion token has an invalid issuer or subject.');
    if (app.keyId !== undefined && header.kid !== app.keyId) return fail(401, 'invalid_client', 'The client_assertion kid does not match a registered key.');
    if (claims.aud !== tokenUrl) return fail(401, 'invalid_client', `The audience of the client_assertion must be ${tokenUrl}.`);
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < nowMs) return fail(401, 'invalid_client', 'The client_assertion token is expired.');
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2]!, 'base64url');
    const ok =
      header.alg === 'RS256'
        ? verify('RSA-SHA256', data, app.key, signature)
        : header.alg === 'ES256'
          ? verify('sha256', data, { key: app.key, dsaEncoding: 'ieee-p1363' }, signature)
          : false;
    if (!ok) return fail(401, 'invalid_client', 'The client_assertion signature is invalid.');
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const refused = requested.filter((s) => !app.granted.has(s));
    if (requested.length === 0 || refused.length > 0) return fail(400, 'invalid_scope', `The following scopes are not allowed: ${refused.join(', ') || '(none requested)'}`);
    const accessToken = randomBytes(24).toString('base64url');
    this.accessTokens.set(accessToken, new Set(requested));
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3600, access_token: accessToken, scope: requested.join(' ') } };
  }
}
