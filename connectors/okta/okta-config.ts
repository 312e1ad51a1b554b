import { z } from 'zod';
import { bindingMappingSchema } from '../../src/connector/binding-mapping.js';

/**
 * An Okta binding's settings. `orgUrl` is any URL (https://acme.okta.com, or a fake org on 127.0.0.1 in tests:
 * okta-sdk-nodejs 8 has no https check). Credentials are an API token (SSWS) or, as Okta recommends, an OAuth 2.0
 * service app that signs a private-key JWT with the read scopes below.
 */
export const OKTA_READ_SCOPES = ['okta.apps.read', 'okta.users.read', 'okta.groups.read', 'okta.logs.read'] as const;

const apiTokenAuth = z
  .object({
    type: z.literal('apiToken'),
    /** SSWS token of an admin who can read the app's assignments, users, groups and the System Log. */
    apiToken: z.string().min(1),
  })
  .strict();

const privateKeyAuth = z
  .object({
    type: z.literal('privateKey'),
    /** Client id of the API Services app (0oa…). */
    clientId: z.string().min(1),
    /** The `kid` of the public key registered on the service app; required for a PEM key. */
    keyId: z.string().min(1).optional(),
    /** The private key as PEM, or a JWK as JSON text. */
    privateKey: z.string().min(1).optional(),
    /** …or a file holding it; read once when the connector is created. */
    privateKeyPath: z.string().min(1).optional(),
    scopes: z.array(z.string().min(1)).min(1).default([...OKTA_READ_SCOPES]),
  })
  .strict()
  .refine((a) => (a.privateKey === undefined) !== (a.privateKeyPath === undefined), { message: 'give exactly one of privateKey and privateKeyPath' });

export const oktaConfigSchema = z
  .object({
    /** https://acme.okta.com (no trailing path). */
    orgUrl: z.url().transform((u) => u.replace(/\/+$/, '')),
    /** The app whose assignments rosterd mirrors (0oa…), as in the admin console URL. */
    appId: z.string().min(1),
    auth: z.discriminatedUnion('type', [apiTokenAuth, privateKeyAuth]),
    mapping: bindingMappingSchema.prefault({}),
    /**
     * Read the app's group assignments and their members, so each member's grants name the group and its role.
     * Off: group-assigned users still come from the app-user list (scope GROUP), without the group's name.
     */
    groupAssignments: z.boolean().default(true),
    /** Requests in flight at once (re-reads of changed users). Okta allows 75 per org across all clients. */
    maxConcurrency: z.number().int().min(1).max(16).default(4),
    /** Retries of a 429, each after X-Rate-Limit-Reset (0 disables retries, as the SDK reads it). */
    maxRetries: z.number().int().min(0).max(10).default(4),
    /** Total time for one request including its 429 waits; 0 = no limit. */
    requestTimeoutMs: z.number().int().min(0).default(120_000),
    /** System Log pages (of up to 1000 events) read per incremental cycle; the rest waits for the next cycle. */
    maxLogPages: z.number().int().min(1).default(50),
    /** More changed users than this in one cycle: ask for a full snapshot instead (about 2 requests per re-read). */
    maxRereads: z.number().int().min(1).default(1000),
  })
  .strict();

export type OktaConfig = z.infer<typeof oktaConfigSchema>;
export type OktaConfigInput = z.input<typeof oktaConfigSchema>;
