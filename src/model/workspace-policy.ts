import { z } from 'zod';
import { MEMBER_FIELDS, type MemberField } from './member.js';
import { V1_SEAT_TYPES, V2_ROLES } from './workspace-role.js';

// What SCIM and connectors may write to a workspace; stored as JSON on the workspace row.

const v2Role = z.enum(V2_ROLES);
const seatType = z.enum(V1_SEAT_TYPES);

export const roleSourceSchema = z
  .object({
    /** extension: `<extensionUrn>:<attribute>`; roles: the core `roles`. */
    kind: z.enum(['extension', 'roles']).default('extension'),
    attribute: z.string().min(1).default('role'),
    /** roles only: several entries, the first by precedence wins. */
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
    /** Missing = unlimited. Only active members hold seats. */
    seats: z.partialRecord(seatType, z.number().int().nonnegative()).default({}),
    /** remove deletes the membership; the account stays. */
    deprovision: z.enum(['suspend', 'remove']).default('suspend'),
    groups: z
      .object({
        /** projects: members of each group get projectRole in it. */
        mode: z.enum(['plain', 'projects']).default('plain'),
        projectRole: v2Role.default('editor'),
        /** The app shows it; SCIM does not. */
        displayNamePrefix: z.string().default(''),
      })
      .strict()
      .default({ mode: 'plain', projectRole: 'editor', displayNamePrefix: '' }),
    /** Pull only: adopt by userName when no externalId matches. */
    adoptByUserName: z.boolean().default(false),
    /** Pull only: deactivations + removals per cycle; a plan over either waits for approval. */
    deletionBudget: z
      .object({
        count: z.number().int().nonnegative().nullable().default(500),
        percent: z.number().min(0).max(100).nullable().default(20),
      })
      .strict()
      .default({ count: 500, percent: 20 }),
    /** Fields set only at creation. */
    creationOnly: z
      .array(z.string().refine((f) => (MEMBER_FIELDS as readonly string[]).includes(f), { message: `must be one of ${MEMBER_FIELDS.join(', ')}` }))
      .default([]) as unknown as z.ZodDefault<z.ZodArray<z.ZodType<MemberField>>>,
  })
  .strict();

export type WorkspacePolicy = z.infer<typeof workspacePolicySchema>;
export type WorkspacePolicyInput = z.input<typeof workspacePolicySchema>;
