import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { type EntraConfig, KNOWN_AUTHORITY_HOSTS } from './entra-config.js';

/**
 * The configured @azure/identity credential; it caches its token, so Graph can ask on every request. Instance
 * discovery is skipped outside Microsoft's clouds, since it would validate the host against login.microsoftonline.com.
 */
export function createCredential(config: EntraConfig): TokenCredential {
  const authorityHost = config.authorityHost;
  const disableInstanceDiscovery = config.disableInstanceDiscovery ?? !(KNOWN_AUTHORITY_HOSTS as readonly string[]).includes(authorityHost);
  const common = { authorityHost, disableInstanceDiscovery };
  const c = config.credentials;
  switch (c.type) {
    case 'clientSecret':
      return new ClientSecretCredential(config.tenantId, config.clientId, c.clientSecret, common);
    case 'certificate': {
      const options = { ...common, sendCertificateChain: c.sendCertificateChain };
      const password = c.certificatePassword;
      return c.certificatePath !== undefined
        ? new ClientCertificateCredential(config.tenantId, config.clientId, { certificatePath: c.certificatePath, certificatePassword: password }, options)
        : new ClientCertificateCredential(config.tenantId, config.clientId, { certificate: c.certificate!, certificatePassword: password }, options);
    }
    case 'managedIdentity':
      // The identity's own service principal holds the Graph permissions.
      return c.clientId !== undefined ? new ManagedIdentityCredential({ clientId: c.clientId }) : new ManagedIdentityCredential();
    case 'workloadIdentity':
      return new WorkloadIdentityCredential({ tenantId: config.tenantId, clientId: config.clientId, tokenFilePath: c.tokenFilePath, ...common });
  }
}

/** Where to look when the credential fails; the message ends with this. */
export function credentialHint(config: EntraConfig): string {
  switch (config.credentials.type) {
    case 'clientSecret':
      return 'check credentials.clientSecret (the secret value, not its id) and that it has not expired';
    case 'certificate':
      return 'check the certificate PEM (certificate and private key) and that its public key is uploaded to the app registration';
    case 'managedIdentity':
      return 'check that rosterd runs on Azure compute with this managed identity enabled';
    case 'workloadIdentity':
      return 'check credentials.tokenFilePath and the federated credential on the app registration';
  }
}
