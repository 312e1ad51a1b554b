import { generateKeyPairSync, type KeyObject, randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientCertificateCredential, ManagedIdentityCredential, WorkloadIdentityCredential } from '@azure/identity';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EntraConfig, type EntraConfigInput, entraConfigSchema } from '../../connectors/entra/entra-config.js';
import { createCredential, credentialHint } from '../../connectors/entra/entra-credential.js';
import { certificateThumbprints } from '../fake/graph/index.js';
import { createSelfSignedCert } from '../fake/graph/self-signed-cert.js';
import { EntraHarness } from './entra-harness.js';
import { drain, failure } from './read-all.js';

/**
 * The credential kinds other than clientSecret, each through the real @azure/identity credential against the
 * fake's token endpoint: a certificate assertion signed with an uploaded RSA
 * certificate's key, a workload identity's federated token from a file, and an App Service-style managed
 * identity endpoint on the fake's loopback origin. Nothing here talks to anything but 127.0.0.1.
 */
const h = new EntraHarness();
let dir: string;

function seed(): string[] {
  const ids = ['cred-0001', 'cred-0002', 'cred-0003'];
  for (const id of ids) {
    h.addUser({ id, userName: `${id}@contoso.test` });
    h.assignUser(id, 'viewer');
  }
  return ids;
}

/** A full snapshot through the connector with these credentials; the fake issued the token it used. */
async function expectCompleteSnapshot(credentials: EntraConfigInput['credentials']): Promise<void> {
  const ids = seed();
  const before = h.fake.tokens.tokensIssued;
  const snapshot = await h.connector({ settings: { credentials } }).fetchSnapshot();
  const members = await drain(snapshot);
  expect(members.map((m) => m.externalId).sort()).toEqual(ids);
  expect(snapshot.complete).toBe(true);
  expect(h.fake.tokens.tokensIssued).toBeGreaterThan(before);
}

function hint(type: EntraConfigInput['credentials']['type']): string {
  // The generic message folds the hint in as "…, and <hint without its leading 'check'>".
  return credentialHint({ credentials: { type } } as EntraConfig).replace(/^check /, '');
}

function configFor(credentials: EntraConfigInput['credentials']): EntraConfig {
  return entraConfigSchema.parse({
    tenantId: h.fake.tenantId,
    clientId: h.fake.clientId,
    credentials,
    servicePrincipalId: h.fake.directory.servicePrincipal.id,
    graphBaseUrl: h.fake.origin,
    authorityHost: h.fake.origin,
    mapping: {},
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rosterd-entra-cred-'));
  await h.start();
});
afterAll(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => h.reset());

describe('entra credentials: certificate (ClientCertificateCredential)', () => {
  const uploaded = createSelfSignedCert('rosterd entra client', { keyType: 'rsa' });
  const pem = uploaded.cert + uploaded.key;

  beforeAll(() => {
    h.fake.tokens.addCertificate(h.fake.clientId, uploaded.cert);
  });

  it('signs in with a PEM file holding the certificate and its private key', async () => {
    const certificatePath = join(dir, 'client.pem');
    writeFileSync(certificatePath, pem, { mode: 0o600 });
    expect(createCredential(configFor({ type: 'certificate', certificatePath }))).toBeInstanceOf(ClientCertificateCredential);
    await expectCompleteSnapshot({ type: 'certificate', certificatePath });
  });

  it('signs in with an inline PEM, also when it sends the certificate chain (x5c)', async () => {
    await expectCompleteSnapshot({ type: 'certificate', certificate: pem });
    h.reset();
    await expectCompleteSnapshot({ type: 'certificate', certificate: pem, sendCertificateChain: true });
  });

  it('rejects a certificate that is not uploaded to the app registration (AADSTS700027)', async () => {
    const other = createSelfSignedCert('rosterd entra client', { keyType: 'rsa' });
    const error = await failure(() => h.connector({ settings: { credentials: { type: 'certificate', certificate: other.cert + other.key } } }).fetchSnapshot());
    expect(error.reason).toBe('credentials');
    expect(error.message).toContain('AADSTS700027');
    expect(error.message).toContain(h.fake.clientId);
    expect(error.message).toContain(hint('certificate'));
  });

  it('verifies the signature: the uploaded certificate with some other private key is rejected', async () => {
    const otherKey = createSelfSignedCert('other', { keyType: 'rsa' }).key;
    const error = await failure(() => h.connector({ settings: { credentials: { type: 'certificate', certificate: uploaded.cert + otherKey } } }).testConnection());
    expect(error.reason).toBe('credentials');
    expect(error.message).toContain('AADSTS700027');
    expect(error.message).toContain(hint('certificate'));
    // The credential itself: the thumbprint matched the uploaded certificate, the signature did not.
    const credential = createCredential(configFor({ type: 'certificate', certificate: uploaded.cert + otherKey }));
    await expect(credential.getToken(`${h.fake.origin}/.default`)).rejects.toThrow(/failed signature validation/);
    expect(certificateThumbprints(new X509Certificate(uploaded.cert)).x5tS256).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('entra credentials: workload identity (WorkloadIdentityCredential)', () => {
  const issuer = 'https://oidc.aks.fake.test/6b1b8f2c/';
  const subject = 'system:serviceaccount:rosterd:rosterd';
  const audience = 'api://AzureADTokenExchange';
  const issuerKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(() => {
    h.fake.tokens.addFederatedCredential(h.fake.clientId, { issuer, subject, audiences: [audience], publicKey: issuerKeys.publicKey });
  });

  /** A projected service account token, as the AKS OIDC issuer signs it (RS256). */
  function federatedToken(claims: { sub?: string; aud?: string | string[]; key?: KeyObject } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const signed = `${part({ alg: 'RS256', typ: 'JWT', kid: 'aks-issuer-key' })}.${part({
      iss: issuer,
      sub: claims.sub ?? subject,
      aud: claims.aud ?? [audience],
      iat: now,
      nbf: now,
      exp: now + 3600,
      jti: randomUUID(),
    })}`;
    return `${signed}.${sign('sha256', Buffer.from(signed), claims.key ?? issuerKeys.privateKey).toString('base64url')}`;
  }

  function tokenFile(token: string): string {
    const path = join(dir, `federated-${randomUUID()}.jwt`);
    writeFileSync(path, token);
    return path;
  }

  it('signs in with the federated token in tokenFilePath', async () => {
    const tokenFilePath = tokenFile(federatedToken());
    expect(createCredential(configFor({ type: 'workloadIdentity', tokenFilePath }))).toBeInstanceOf(WorkloadIdentityCredential);
    await expectCompleteSnapshot({ type: 'workloadIdentity', tokenFilePath });
  });

  it('rejects a token for a subject with no federated credential (AADSTS70021)', async () => {
    const tokenFilePath = tokenFile(federatedToken({ sub: 'system:serviceaccount:default:someone-else' }));
    const error = await failure(() => h.connector({ settings: { credentials: { type: 'workloadIdentity', tokenFilePath } } }).fetchSnapshot());
    expect(error.reason).toBe('credentials');
    expect(error.message).toContain('AADSTS70021');
    expect(error.message).toContain('no federated credential');
    expect(error.message).toContain(hint('workloadIdentity'));
  });

  it('rejects a token with the right claims but not signed by the issuer', async () => {
    const forged = tokenFile(federatedToken({ key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }));
    const error = await failure(() => h.connector({ settings: { credentials: { type: 'workloadIdentity', tokenFilePath: forged } } }).testConnection());
    expect(error.reason).toBe('credentials');
    expect(error.message).toContain('AADSTS700027');
    expect(error.message).toContain('the federated token was rejected');
    expect(error.message).toContain(hint('workloadIdentity'));
  });
});

/**
 * ManagedIdentityCredential picks its source from the environment; App Service's IDENTITY_ENDPOINT +
 * IDENTITY_HEADER point it at any URL, here the fake's https://127.0.0.1 origin. MSAL keeps the selected source
 * and its token cache in module statics, so every test in this file that asks for a managed identity token
 * uses this one endpoint, and the failure case runs before a token for the same identity is cached.
 */
describe('entra credentials: managed identity (App Service endpoint on loopback)', () => {
  const identityHeader = randomUUID();
  const userAssigned = randomUUID();
  /** Everything that could make MSAL pick another source (Service Fabric, Azure ML, Cloud Shell, Arc, token exchange, IMDS). */
  const ENV = [
    'IDENTITY_ENDPOINT',
    'IDENTITY_HEADER',
    'IDENTITY_SERVER_THUMBPRINT',
    'IMDS_ENDPOINT',
    'MSI_ENDPOINT',
    'MSI_SECRET',
    'DEFAULT_IDENTITY_CLIENT_ID',
    'AZURE_FEDERATED_TOKEN_FILE',
    'AZURE_TENANT_ID',
    'AZURE_CLIENT_ID',
    'AZURE_POD_IDENTITY_AUTHORITY_HOST',
    'AZURE_IDENTITY_ENABLE_LEGACY_IMDS_RETRY_POLICY',
  ] as const;
  const saved: Record<string, string | undefined> = {};

  beforeAll(() => {
    for (const name of ENV) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    process.env.IDENTITY_ENDPOINT = `${h.fake.origin}/msi/token`;
    process.env.IDENTITY_HEADER = identityHeader;
  });
  afterAll(() => {
    for (const name of ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  beforeEach(() => {
    // Never let a managed identity request leave the machine: the endpoint must be the fake's loopback origin.
    expect(new URL(process.env.IDENTITY_ENDPOINT!).hostname).toBe('127.0.0.1');
    h.fake.tokens.managedIdentity = { identityHeader, systemAssigned: true, userAssignedClientIds: [userAssigned] };
  });
  afterEach(() => {
    h.fake.tokens.managedIdentity = null;
  });

  it('creates a ManagedIdentityCredential, system- or user-assigned', () => {
    expect(createCredential(configFor({ type: 'managedIdentity' }))).toBeInstanceOf(ManagedIdentityCredential);
    expect(createCredential(configFor({ type: 'managedIdentity', clientId: userAssigned }))).toBeInstanceOf(ManagedIdentityCredential);
  });

  it('reports a host without that managed identity as a credentials error', async () => {
    h.fake.tokens.managedIdentity = { identityHeader, systemAssigned: false, userAssignedClientIds: [] };
    const before = h.fake.tokens.managedIdentityRequests;
    const error = await failure(() => h.connector({ settings: { credentials: { type: 'managedIdentity' } } }).testConnection());
    expect(error.reason).toBe('credentials');
    expect(error.message).toContain(hint('managedIdentity'));
    expect(h.fake.tokens.managedIdentityRequests).toBeGreaterThan(before);
  });

  it('signs in with the system-assigned identity', async () => {
    const before = h.fake.tokens.managedIdentityRequests;
    await expectCompleteSnapshot({ type: 'managedIdentity' });
    expect(h.fake.tokens.managedIdentityRequests).toBe(before + 1);
  });

  it('signs in with a user-assigned identity (client_id in the request)', async () => {
    const before = h.fake.tokens.managedIdentityRequests;
    await expectCompleteSnapshot({ type: 'managedIdentity', clientId: userAssigned });
    expect(h.fake.tokens.managedIdentityRequests).toBe(before + 1);
  });
});
