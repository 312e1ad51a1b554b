import { z } from 'zod';
import { bindingMappingSchema } from '../../src/connector/binding-mapping.js';

// An Okta binding's settings. `orgUrl` may be http, so tests can use a fake org.

export const OKTA_READ_SCOPES = ['okta.apps.read', 'okta.users.read', 'okta.groups.read', 'okta.logs.read'] as const;

const apiTokenAuth = z
  .object({
    type: z.literal('apiToken'),
    /** SSWS; its admin must be able to read assignments, users, groups and the System Log. */
    apiToken: z.string().min(1),
  })
  .strict();

const privateKeyAuth = z
  .object({
    type: z.literal('privateKey'),
    clientId: z.string().min(1),
    /** Required for a PEM key. */
    keyId: z.string().min(1).optional(),
    /** PEM, or a JWK as JSON text. */
    privateKey: z.string().min(1).optional(),
    /** …or a file, read once at creation. */
    privateKeyPath: z.string().min(1).optional(),
    scopes: z.array(z.string().min(1)).min(1).default([...OKTA_READ_SCOPES]),
  })
  .strict()
  .refine((a) => (a.privateKey === undefined) !== (a.privateKeyPath === undefined), { message: 'give exactly one of privateKey and privateKeyPath' });

export const oktaConfigSchema = z
  .object({
    /** No trailing path. */
    orgUrl: z.url().transform((u) => u.replace(/\/+$/, '')),
    appId: z.string().min(1),
    auth: z.discriminatedUnion('type', [apiTokenAuth, privateKeyAuth]),
    mapping: bindingMappingSchema.prefault({}),
    /** So grants name the group; off, group-assigned users still come. */
    groupAssignments: z.boolean().default(true),
    /** Okta allows 75 per org across all clients. */
    maxConcurrency: z.number().int().min(1).max(16).default(4),
    /** 0 disables retries. */
    maxRetries: z.number().int().min(0).max(10).default(4),
    /** Including 429 waits; 0 = no limit. */
    requestTimeoutMs: z.number().int().min(0).default(120_000),
    /** Per cycle; the rest waits for the next. */
    maxLogPages: z.number().int().min(1).default(50),
    /** Above this many changed users, a full snapshot is cheaper. */
    maxRereads: z.number().int().min(1).default(1000),
  })
  .strict();

export type OktaConfig = z.infer<typeof oktaConfigSchema>;
export type OktaConfigInput = z.input<typeof oktaConfigSchema>;
