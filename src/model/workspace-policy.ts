import { z } from 'zod';
import { MEMBER_FIELDS, type MemberField } from './member.js';
import { V1_SEAT_TYPES, V2_ROLES } from './workspace-role.js';

/**
 * Everything a workspace decides about what SCIM and connectors may write. Stored as JSON on the
 * workspace row, written by presets and `rosterd workspace create`, validated here on both paths.
 */
const v2Role = z.enum(V2_ROLES);
const seatType = z.enum(V1_SEAT_TYPES);

export const roleSourceSchema = z
  .object({
    /** extension: `<extensionUrn>:<attribute>` (Base44, Activepieces); roles: the core `roles` attribute (multitenant app roles). */
    kind: z.enum(['extension', 'roles']).default('extension'),
    /** Name of the extension attribute that carries the role. */
    attribute: z.string().min(1).default('role'),
    /** roles only: accept several entries (Entra's AppRoleAssignmentsComplex); the role kept is the first by precedence. */
    multiple: z.boolean().default(false),
  })
  .strict();

export const workspacePolicySchema = z
  .object({
    /** V2: the role given when the IdP sends none. Least privilege unless a preset says otherwise. */
    defaultRole: v2Role.default('viewer'),
    roleSource: roleSourceSchema.default({ kind: 'extension', attribute: 'role', multiple: false }),
    /** IdP value → workspace role, e.g. { ADMIN: admin, OPERATOR: editor }. Matched exactly, then case-insensitively. */
    roleValueMap: z.record(z.string(), v2Role).default({}),
    /** When several roles arrive, the first of these that is present wins. */
    rolePrecedence: z.array(v2Role).default(['admin', 'editor', 'viewer']),
    /** V1: seat type given when the IdP sends none; without it a V1 create must carry seatType. */
    defaultSeatType: seatType.optional(),
    /** V1: capacity per seat type; a seat type without an entry is unlimited. Only active members hold seats. */
    seats: z.partialRecord(seatType, z.number().int().nonnegative()).default({}),
    /** What `active=false` does: suspend keeps the membership inactive, remove deletes it (the account stays). */
    deprovision: z.enum(['suspend', 'remove']).default('suspend'),
    groups: z
      .object({
        /** plain: groups are groups; projects: each group is a project and its members get projectRole in it. */
        mode: z.enum(['plain', 'projects']).default('plain'),
        projectRole: v2Role.default('editor'),
        /** Prefix the app shows before the IdP's group name, e.g. "[SCIM] ". SCIM itself sees the IdP's name. */
        displayNamePrefix: z.string().default(''),
      })
      .strict()
      .default({ mode: 'plain', projectRole: 'editor', displayNamePrefix: '' }),
    /**
     * Pull only: match an IdP user with no externalId match to an existing member by userName (members that
     * existed before rosterd, as the Staffbase guide requires) and adopt it by setting its externalId.
     */
    adoptByUserName: z.boolean().default(false),
    /**
     * Pull only: the most deactivations plus removals one cycle may make, in the spirit of Entra's accidental-
     * deletion threshold (count) and Okta's 20% import safeguard (percent of the binding's members). A plan over
     * either is kept pending until an admin approves it. null switches a limit off.
     */
    deletionBudget: z
      .object({
        count: z.number().int().nonnegative().nullable().default(500),
        percent: z.number().min(0).max(100).nullable().default(20),
      })
      .strict()
      .default({ count: 500, percent: 20 }),
    /** Member fields set only when the membership is created (Staffbase's locale); later writes keep the first value. */
    creationOnly: z
      .array(z.string().refine((f) => (MEMBER_FIELDS as readonly string[]).includes(f), { message: `must be one of ${MEMBER_FIELDS.join(', ')}` }))
      .default([]) as unknown as z.ZodDefault<z.ZodArray<z.ZodType<MemberField>>>,
  })
  .strict();

export type WorkspacePolicy = z.infer<typeof workspacePolicySchema>;
export type WorkspacePolicyInput = z.input<typeof workspacePolicySchema>;
