import { z } from 'zod';
import { bindingMappingSchema } from '../../src/connector/binding-mapping.js';

// An Entra ID binding's settings. The cloud's URLs must be https: the Graph SDK sends tokens only over https.

const httpsUrl = z
  .url()
  .refine((u) => u.startsWith('https://'), 'must be an https:// URL (the Graph SDK sends tokens only over https)')
  .transform((u) => u.replace(/\/+$/, ''));

const clientSecret = z
  .object({
    type: z.literal('clientSecret'),
    /** The secret's value, not its id. */
    clientSecret: z.string().min(1),
  })
  .strict();

const certificate = z
  .object({
    type: z.literal('certificate'),
    /** PEM with certificate and key: @azure/identity does not accept PFX. */
    certificatePath: z.string().min(1).optional(),
    certificate: z.string().min(1).optional(),
    certificatePassword: z.string().min(1).optional(),
    /** x5c, for subject-name/issuer authentication. */
    sendCertificateChain: z.boolean().default(false),
  })
  .strict()
  .refine((c) => (c.certificatePath === undefined) !== (c.certificate === undefined), { message: 'give exactly one of certificatePath and certificate' });

const managedIdentity = z
  .object({
    type: z.literal('managedIdentity'),
    /** Omit for the system-assigned identity. */
    clientId: z.string().min(1).optional(),
  })
  .strict();

const workloadIdentity = z
  .object({
    type: z.literal('workloadIdentity'),
    tokenFilePath: z.string().min(1),
  })
  .strict();

export const entraConfigSchema = z
  .object({
    /** Tenant id or a verified domain. */
    tenantId: z.string().min(1),
    clientId: z.string().min(1),
    credentials: z.discriminatedUnion('type', [clientSecret, certificate, managedIdentity, workloadIdentity]),
    /** Enterprise application (service principal) object id… */
    servicePrincipalId: z.string().min(1).optional(),
    /** …or its appId. */
    appId: z.string().min(1).optional(),
    graphBaseUrl: httpsUrl.default('https://graph.microsoft.com'),
    authorityHost: httpsUrl.default('https://login.microsoftonline.com'),
    /** Default: on exactly when authorityHost is not a Microsoft cloud. */
    disableInstanceDiscovery: z.boolean().optional(),
    /** Off by default: Entra grants app roles to direct members only. */
    transitiveGroups: z.boolean().default(false),
    /** Graph allows 1–999. */
    pageSize: z.number().int().min(1).max(999).default(999),
    /** The Graph SDK caps throttling retries at 10. */
    maxRetries: z.number().int().min(0).max(10).default(5),
    /** Per attempt; an overrun counts as failed. */
    requestTimeoutMs: z.number().int().min(100).default(100_000),
    /** Profile `$batch`es and group member lists in flight. */
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

/** Where instance discovery works. */
export const KNOWN_AUTHORITY_HOSTS = [
  'https://login.microsoftonline.com',
  'https://login.microsoftonline.us',
  'https://login.chinacloudapi.cn',
  'https://login.microsoftonline.de',
] as const;
