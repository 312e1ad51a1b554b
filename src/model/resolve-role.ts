import type { WorkspacePolicy } from './workspace-policy.js';
import { isV2Role } from './workspace-role.js';

/** An unmapped value is returned as is, so the policy refuses it by name. */
export function mapRoleValue(raw: string, map: Readonly<Record<string, string>>): string {
  if (Object.hasOwn(map, raw)) return map[raw]!;
  const lower = raw.toLowerCase();
  for (const [key, role] of Object.entries(map)) if (key.toLowerCase() === lower) return role;
  if (isV2Role(lower)) return lower;
  return raw;
}

export type RoleResolution = { role: string | null } | { refusal: string };

/** With roleSource.multiple and no primary: the first by precedence. */
export function roleFromRoles(roles: unknown[] | null, policy: WorkspacePolicy): RoleResolution {
  const values = (roles ?? [])
    .map((r) => (typeof r === 'string' ? { value: r } : (r as { value?: unknown; primary?: unknown })))
    .filter((r): r is { value: string; primary?: unknown } => typeof r?.value === 'string' && r.value !== '');
  if (values.length === 0) return { role: null };
  const primary = values.filter((r) => r.primary === true);
  if (primary.length > 1) return { refusal: 'roles has more than one entry marked primary; mark exactly one role as primary' };
  if (primary.length === 1) return { role: mapRoleValue(primary[0]!.value, policy.roleValueMap) };
  if (values.length === 1) return { role: mapRoleValue(values[0]!.value, policy.roleValueMap) };
  if (!policy.roleSource.multiple) {
    return {
      refusal: `roles has ${values.length} entries and none is primary; send one role (SingleAppRoleAssignment), mark one primary, or set roleSource.multiple: true on the workspace`,
    };
  }
  const mapped = values.map((r) => mapRoleValue(r.value, policy.roleValueMap));
  const best = policy.rolePrecedence.find((role) => mapped.includes(role));
  return { role: best ?? mapped[0]! };
}
