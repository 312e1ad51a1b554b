import { z } from 'zod';
import { MEMBER_FIELDS } from '../model/member.js';
import { V2_ROLES } from '../model/workspace-role.js';

/**
 * How one workspace reads its IdP: declarative, per binding, as the seed guides need. Source paths are
 * dotted attribute paths of the IdP's user (`onPremisesExtensionAttributes.extensionAttribute1` on Graph,
 * `profile.creditLimit` on an Okta app user, `user.profile.department` on the embedded Okta user).
 */
export const bindingMappingSchema = z
  .object({
    /** Source of userName; default Entra `userPrincipalName`, Okta `credentials.userName`. */
    userName: z.string().min(1).optional(),
    /** Source of creditLimit (V2), e.g. onPremisesExtensionAttributes.extensionAttribute1 or profile.creditLimit. */
    creditLimit: z.string().min(1).optional(),
    /** Source of seatType (V1), e.g. profile.seatType. */
    seatType: z.string().min(1).optional(),
    /** Member field → source path for the rest of the profile: { locale: preferredLanguage, department: department }. */
    attributes: z
      .record(z.string().refine((f) => (MEMBER_FIELDS as readonly string[]).includes(f), { message: `must be a member field (${MEMBER_FIELDS.join(', ')})` }), z.string().min(1))
      .default({}),
    /** single: one role by precedence (Entra SingleAppRoleAssignment); all: every role (AppRoleAssignmentsComplex). */
    roles: z.enum(['single', 'all']).default('single'),
    /** IdP app-role value → workspace role; the binding passes the workspace's own roleValueMap here, so push and pull agree. */
    roleValueMap: z.record(z.string(), z.string()).default({}),
    rolePrecedence: z.array(z.enum(V2_ROLES)).default(['admin', 'editor', 'viewer']),
    /** Role for Entra's default-access assignment (app role id 00000000-0000-0000-0000-000000000000); null = none. */
    defaultAccessRole: z.enum(V2_ROLES).nullable().default(null),
  })
  .strict();

export type BindingMapping = z.infer<typeof bindingMappingSchema>;
