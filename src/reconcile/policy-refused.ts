import type { Change } from '../model/plan.js';
import type { PolicyRefusal } from './policy.js';

/** The policy refused a change of a plan that must apply whole (a SCIM request). */
export class PolicyRefused extends Error {
  constructor(
    readonly refusal: PolicyRefusal,
    readonly change: Change,
  ) {
    super(refusal.detail);
    this.name = 'PolicyRefused';
  }
}
