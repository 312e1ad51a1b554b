import { DEFAULT_USER_SELECT, type GraphUser, USER_PROPERTIES } from './graph-directory.js';
import { badRequest } from './graph-errors.js';

/**
 * `$select` for users, validated the way Graph does it: an unknown property (or a dotted path such as
 * `onPremisesExtensionAttributes.extensionAttribute1`, which Graph does not accept in `$select`) is a 400, so a
 * connector that asks for the wrong thing fails here as it would against a tenant.
 */
export function parseUserSelect(raw: string | null): string[] | null {
  if (raw === null || raw.trim() === '') return null;
  const props = raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
  for (const prop of props) {
    if (!(USER_PROPERTIES as readonly string[]).includes(prop)) {
      throw badRequest(`Could not find a property named '${prop}' on type 'microsoft.graph.user'.`);
    }
  }
  return props;
}

/** The user as Graph returns it for this `$select`: `id` always, the default set when nothing was selected. */
export function projectUser(user: GraphUser, select: readonly string[] | null, only?: ReadonlySet<string>): Record<string, unknown> {
  const props = select ?? DEFAULT_USER_SELECT;
  const out: Record<string, unknown> = { id: user.id };
  for (const prop of props) {
    if (only && !only.has(prop)) continue;
    out[prop] = structuredCloneValue((user as unknown as Record<string, unknown>)[prop]);
  }
  return out;
}

function structuredCloneValue(value: unknown): unknown {
  // Objects are copied so a test that mutates a returned body cannot reach into the directory.
  return value !== null && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : value;
}
