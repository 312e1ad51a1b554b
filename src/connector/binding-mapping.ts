import { z } from 'zod';
import { MEMBER_FIELDS } from '../model/member.js';
import { V2_ROLES } from '../model/workspace-role.js';

/** Values are dotted IdP source paths. */
export const bindingMappingSchema = z
  .object({
    userName: z.string().min(1).optional(),
    creditLimit: z.string().min(1).optional(),
    seatType: z.string().min(1).optional(),
    attributes: z
      .record(z.string().refine((f) => (MEMBER_FIELDS as readonly string[]).includes(f), { message: `must be a member field (${MEMBER_FIELDS.join(', ')})` }), z.string().min(1))
      .default({}),
    /** single: one by precedence (Entra SingleAppRoleAssignment). */
    roles: z.enum(['single', 'all']).default('single'),
    /** Defaults to the workspace's, so push and pull agree. */
    roleValueMap: z.record(z.string(), z.string()).default({}),
    rolePrecedence: z.array(z.enum(V2_ROLES)).default(['admin', 'editor', 'viewer']),
    /** For Entra's default access (the all-zero app role id). */
    defaultAccessRole: z.enum(V2_ROLES).nullable().default(null),
  })
  .strict();

export type BindingMapping = z.infer<typeof bindingMappingSchema>;
