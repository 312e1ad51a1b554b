import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { type EntraConfig, KNOWN_AUTHORITY_HOSTS } from './entra-config.js';

/** It caches its token. Outside Microsoft's clouds, instance discovery would reject the host, so it is skipped. */
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

/** Ends the message when the credential fails. */
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
