/**
 * Why a member differs from what its binding's IdP last said. A bounded set, so it can label a metric; the
 * sentence that goes with each occurrence says what to do about it.
 */
export type DriftReason = 'refused' | 'no_seat' | 'owner' | 'conflict' | 'set_aside' | 'not_applied' | 'removed_elsewhere' | 'changed_elsewhere';

/** What each reason means, for `rosterd status` and the outcome line. */
export const DRIFT_REASONS: Readonly<Record<DriftReason, string>> = {
  refused: 'refused by the workspace policy',
  no_seat: 'waiting for a seat',
  owner: 'a workspace owner, which only the CLI changes',
  conflict: 'in conflict with another member or group',
  set_aside: 'changed by another source while the cycle ran',
  not_applied: 'planned but not applied yet',
  removed_elsewhere: 'removed by another source while the IdP still assigns it',
  changed_elsewhere: 'written by another source since the last cycle',
};

/** A reason with the sentence that explains this occurrence. */
export interface Drift {
  reason: DriftReason;
  detail: string;
}
