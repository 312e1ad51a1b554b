import { z } from 'zod';
import { MEMBER_FIELDS, type MemberField } from './member.js';
import { V1_SEAT_TYPES, V2_ROLES } from './workspace-role.js';

// What SCIM and connectors may write to a workspace. Stored as JSON on the workspace row; validated here for presets
// and `rosterd workspace create` alike.
const v2Role = z.enum(V2_ROLES);
const seatType = z.enum(V1_SEAT_TYPES);

export const roleSourceSchema = z
  .object({
    /** extension: `<extensionUrn>:<attribute>`; roles: the core `roles` attribute. */
    kind: z.enum(['extension', 'roles']).default('extension'),
    attribute: z.string().min(1).default('role'),
    /** roles only: accept several entries, keeping the first by precedence. */
    multiple: z.boolean().default(false),
  })
  .strict();

export const workspacePolicySchema = z
  .object({
    defaultRole: v2Role.default('viewer'),
    roleSource: roleSourceSchema.default({ kind: 'extension', attribute: 'role', multiple: false }),
    /** Matched exactly, then case-insensitively. */
    roleValueMap: z.record(z.string(), v2Role).default({}),
    rolePrecedence: z.array(v2Role).default(['admin', 'editor', 'viewer']),
    /** Without it a V1 create must carry seatType. */
    defaultSeatType: seatType.optional(),
    /** Missing seat type = unlimited. Only active members hold seats. */
    seats: z.partialRecord(seatType, z.number().int().nonnegative()).default({}),
    /** suspend keeps the membership inactive; remove deletes it (the account stays). */
    deprovision: z.enum(['suspend', 'remove']).default('suspend'),
    groups: z
      .object({
        /** projects: each group is a project whose members get projectRole. */
        mode: z.enum(['plain', 'projects']).default('plain'),
        projectRole: v2Role.default('editor'),
        /** Prefix shown by the app only; SCIM sees the IdP's name. */
        displayNamePrefix: z.string().default(''),
      })
      .strict()
      .default({ mode: 'plain', projectRole: 'editor', displayNamePrefix: '' }),
    /** Pull only: adopt an existing member by userName when no externalId matches. */
    adoptByUserName: z.boolean().default(false),
    /** Pull only: max deactivations + removals per cycle; a plan over either is held for approval. null = no limit. */
    deletionBudget: z
      .object({
        count: z.number().int().nonnegative().nullable().default(500),
        percent: z.number().min(0).max(100).nullable().default(20),
      })
      .strict()
      .default({ count: 500, percent: 20 }),
    /** Set only at creation; later writes keep the first value. */
    creationOnly: z
      .array(z.string().refine((f) => (MEMBER_FIELDS as readonly string[]).includes(f), { message: `must be one of ${MEMBER_FIELDS.join(', ')}` }))
      .default([]) as unknown as z.ZodDefault<z.ZodArray<z.ZodType<MemberField>>>,
  })
  .strict();

export type WorkspacePolicy = z.infer<typeof workspacePolicySchema>;
export type WorkspacePolicyInput = z.input<typeof workspacePolicySchema>;
