import type { Change } from './plan.js';

/** Why apply could not execute a change. The SCIM layer maps `conflict` to 409 and `stale` to 412. */
export type ApplyFailure = 'conflict' | 'missing' | 'stale';

export class ApplyError extends Error {
  constructor(
    readonly failure: ApplyFailure,
    readonly change: Change | null,
    detail: string,
  ) {
    super(detail);
    this.name = 'ApplyError';
  }
}
