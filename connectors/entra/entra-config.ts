import { z } from 'zod';
import { bindingMappingSchema } from '../../src/connector/binding-mapping.js';

/**
 * An Entra ID binding's settings. `graphBaseUrl` and `authorityHost` select the cloud (national clouds such as
 * https://graph.microsoft.us with https://login.microsoftonline.us); the same two settings point the connector at
 * a test server. Both must be https: the Graph SDK only sends the token to, and only follows links on, https URLs.
 */
const httpsUrl = z
  .url()
  .refine((u) => u.startsWith('https://'), 'must be an https:// URL (the Graph SDK sends tokens only over https)')
  .transform((u) => u.replace(/\/+$/, ''));

const clientSecret = z
  .object({
    type: z.literal('clientSecret'),
    /** The secret's value (not its id) from the app registration's "Certificates & secrets". */
    clientSecret: z.string().min(1),
  })
  .strict();

const certificate = z
  .object({
    type: z.literal('certificate'),
    /** A PEM file holding the certificate and its private key (PFX is not accepted by @azure/identity). */
    certificatePath: z.string().min(1).optional(),
    /** …or that PEM inline. */
    certificate: z.string().min(1).optional(),
    certificatePassword: z.string().min(1).optional(),
    /** Send the x5c chain, for subject-name/issuer authentication. */
    sendCertificateChain: z.boolean().default(false),
  })
  .strict()
  .refine((c) => (c.certificatePath === undefined) !== (c.certificate === undefined), { message: 'give exactly one of certificatePath and certificate' });

const managedIdentity = z
  .object({
    type: z.literal('managedIdentity'),
    /** Client id of a user-assigned managed identity; omit for the system-assigned one. */
    clientId: z.string().min(1).optional(),
  })
  .strict();

const workloadIdentity = z
  .object({
    type: z.literal('workloadIdentity'),
    /** The federated token file (on AKS: AZURE_FEDERATED_TOKEN_FILE). */
    tokenFilePath: z.string().min(1),
  })
  .strict();

export const entraConfigSchema = z
  .object({
    /** Directory (tenant) id, or a verified domain such as contoso.onmicrosoft.com. */
    tenantId: z.string().min(1),
    /** Application (client) id of the app registration rosterd signs in as. */
    clientId: z.string().min(1),
    credentials: z.discriminatedUnion('type', [clientSecret, certificate, managedIdentity, workloadIdentity]),
    /** Object id of the enterprise application (service principal) whose assignments rosterd mirrors… */
    servicePrincipalId: z.string().min(1).optional(),
    /** …or its application id (appId); Graph addresses it as servicePrincipals(appId='…'). */
    appId: z.string().min(1).optional(),
    graphBaseUrl: httpsUrl.default('https://graph.microsoft.com'),
    authorityHost: httpsUrl.default('https://login.microsoftonline.com'),
    /**
     * Skip Entra's authority discovery call, for private clouds and test servers. Default: on exactly when
     * authorityHost is not one of Microsoft's public or national cloud hosts.
     */
    disableInstanceDiscovery: z.boolean().optional(),
    /** Expand nested groups too. Off by default, because Entra grants an app role to direct members only. */
    transitiveGroups: z.boolean().default(false),
    /** `$top` for assignment and member lists; Graph allows 1–999. */
    pageSize: z.number().int().min(1).max(999).default(999),
    /** Retries of a 429/503/504 (each after Retry-After); the Graph SDK caps it at 10. */
    maxRetries: z.number().int().min(0).max(10).default(5),
    /** One request's time limit, per attempt; a request that runs over counts as failed (snapshot incomplete). */
    requestTimeoutMs: z.number().int().min(100).default(100_000),
    /** `$batch` requests in flight at once when reading profiles (each reads up to 300 users), and assigned groups whose members are listed at once. */
    maxConcurrency: z.number().int().min(1).max(16).default(4),
    mapping: bindingMappingSchema.prefault({}),
  })
  .strict()
  .refine((c) => (c.servicePrincipalId === undefined) !== (c.appId === undefined), {
    message: 'give exactly one of servicePrincipalId and appId',
    path: ['servicePrincipalId'],
  });

export type EntraConfig = z.infer<typeof entraConfigSchema>;
export type EntraConfigInput = z.input<typeof entraConfigSchema>;

/** Authority hosts of Microsoft's clouds, where instance discovery works (AzureAuthorityHosts in @azure/identity). */
export const KNOWN_AUTHORITY_HOSTS = [
  'https://login.microsoftonline.com',
  'https://login.microsoftonline.us',
  'https://login.chinacloudapi.cn',
  'https://login.microsoftonline.de',
] as const;
