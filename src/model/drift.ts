/** Why a member differs from its IdP. Bounded, so it can label a metric. */
export type DriftReason = 'refused' | 'no_seat' | 'owner' | 'conflict' | 'set_aside' | 'not_applied' | 'removed_elsewhere' | 'changed_elsewhere';

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

export interface Drift {
  reason: DriftReason;
  detail: string;
}
