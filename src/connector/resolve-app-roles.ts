import { mapRoleValue } from '../model/resolve-role.js';
import type { BindingMapping } from './binding-mapping.js';

/** null is default access; mapped as push maps them. */
export function resolveAppRoles(values: readonly (string | null)[], mapping: Pick<BindingMapping, 'roles' | 'roleValueMap' | 'rolePrecedence' | 'defaultAccessRole'>): string[] {
  const mapped: string[] = [];
  for (const value of values) {
    const role = value === null ? mapping.defaultAccessRole : mapRoleValue(value, mapping.roleValueMap);
    if (role !== null && !mapped.includes(role)) mapped.push(role);
  }
  if (mapping.roles === 'all' || mapped.length <= 1) return mapped;
  const best = mapping.rolePrecedence.find((role) => mapped.includes(role));
  return [best ?? [...mapped].sort()[0]!];
}
