import type { EntraHarness } from '../contract/entra-harness.js';
import type { OktaHarness } from '../contract/okta-harness.js';

/**
 * The `connectors:` entries of a rosterd.yaml that point a workspace at the fake Graph or the fake Okta, as an
 * admin would write them: secrets as ${ENTRA_CLIENT_SECRET} / ${OKTA_API_TOKEN}, taken from the environment.
 * `mapping` is the YAML flow mapping of the binding's mapping, e.g. "{ creditLimit: profile.creditLimit }".
 */
export function entraBindingYaml(entra: EntraHarness, workspace: string, mapping: string, extra: string[] = []): string[] {
  const graph = entra.fake;
  return [
    `  - workspace: ${workspace}`,
    '    kind: entra',
    ...extra.map((line) => `    ${line}`),
    '    settings:',
    `      tenantId: ${graph.tenantId}`,
    `      clientId: ${graph.clientId}`,
    '      credentials: { type: clientSecret, clientSecret: "${ENTRA_CLIENT_SECRET}" }',
    `      servicePrincipalId: ${graph.directory.servicePrincipal.id}`,
    `      graphBaseUrl: ${graph.origin}`,
    `      authorityHost: ${graph.origin}`,
    '      requestTimeoutMs: 2000',
    `      mapping: ${mapping}`,
  ];
}

export function oktaBindingYaml(okta: OktaHarness, workspace: string, mapping: string, extra: string[] = []): string[] {
  return [
    `  - workspace: ${workspace}`,
    '    kind: okta',
    ...extra.map((line) => `    ${line}`),
    '    settings:',
    `      orgUrl: ${okta.fake.origin}`,
    `      appId: ${okta.directory.app.id}`,
    '      auth: { type: apiToken, apiToken: "${OKTA_API_TOKEN}" }',
    `      mapping: ${mapping}`,
  ];
}

/** The environment those bindings read their secrets from. */
export function bindingSecrets(entra: EntraHarness, okta: OktaHarness): Record<string, string> {
  return { ENTRA_CLIENT_SECRET: entra.fake.clientSecret, OKTA_API_TOKEN: okta.fake.apiToken };
}
