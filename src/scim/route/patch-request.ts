import { getValue, isJsonObject } from '../json-object.js';
import { validatePatchRequest, type PatchOp } from '../patch/patch-op.js';
import { overBudget, type ScimBudgets } from '../scim-budgets.js';
import { invalidSyntax } from '../scim-error.js';
import { URN } from '../scim-urn.js';

const operationsOf = (body: unknown): unknown => (isJsonObject(body) ? getValue(body, 'Operations') : undefined);

/**
 * The operations of a PATCH after the dialect normalisers ran. Normalising can drop every operation (Okta's
 * password sync: rosterd stores no passwords), which leaves a request with nothing to do, not a malformed one:
 * that gives an empty list here, and the route answers as for any PATCH that changed nothing. A client that
 * really sends no operations is still refused by the core.
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
 * Refuse a PATCH with more operations than `scim.budgets.patchOperations`, counted as sent, before the dialect
 * normalisers or the PATCH engine do anything with them. (Entra's removal of listed members is one operation as
 * sent, however many members it lists: those count against `groupMembers`.)
 * @throws ScimError 400 invalidValue naming the budget.
 */
export function checkPatchOperations(raw: unknown, budgets: Readonly<Pick<ScimBudgets, 'patchOperations'>>): void {
  const sent = operationsOf(raw);
  if (!Array.isArray(sent) || sent.length <= budgets.patchOperations) return;
  throw overBudget('patchOperations', budgets.patchOperations, `the number of operations in this PATCH (${sent.length.toLocaleString('en-US')})`, 'send the changes in several PATCH requests');
}
