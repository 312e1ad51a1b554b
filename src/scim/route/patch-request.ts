import { getValue, isJsonObject } from '../json-object.js';
import { validatePatchRequest, type PatchOp } from '../patch/patch-op.js';
import { overBudget, type ScimBudgets } from '../scim-budgets.js';
import { invalidSyntax } from '../scim-error.js';
import { URN } from '../scim-urn.js';

const operationsOf = (body: unknown): unknown => (isJsonObject(body) ? getValue(body, 'Operations') : undefined);

/**
 * The operations after the dialect normalisers. Normalising may drop them all (Okta's password sync), leaving a
 * request with nothing to do rather than a malformed one; a client that sends no operations is still refused.
 */
export function patchOperations(raw: unknown, normalized: unknown): PatchOp[] {
  const sent = operationsOf(raw);
  const kept = operationsOf(normalized);
  if (Array.isArray(sent) && sent.length > 0 && Array.isArray(kept) && kept.length === 0) {
    const schemas = isJsonObject(normalized) ? getValue(normalized, 'schemas') : undefined;
    if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.patchOp.toLowerCase())) {
      throw invalidSyntax(`PATCH body: "schemas" must be an array containing "${URN.patchOp}"`);
    }
    return [];
  }
  return validatePatchRequest(normalized);
}

/**
 * Refuses more operations than `scim.budgets.patchOperations`, counted as sent, before anything processes them.
 * Entra's listed-member removal is one operation; its members count against `groupMembers`.
 * @throws ScimError 400 invalidValue naming the budget.
 */
export function checkPatchOperations(raw: unknown, budgets: Readonly<Pick<ScimBudgets, 'patchOperations'>>): void {
  const sent = operationsOf(raw);
  if (!Array.isArray(sent) || sent.length <= budgets.patchOperations) return;
  throw overBudget('patchOperations', budgets.patchOperations, `the number of operations in this PATCH (${sent.length.toLocaleString('en-US')})`, 'send the changes in several PATCH requests');
}
