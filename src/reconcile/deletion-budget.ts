/**
 * The deletion budget: how many deactivations plus removals one pull cycle may make before an admin has to
 * approve them, in the spirit of Entra's accidental-deletion threshold and Okta's 20% import safeguard.
 */
export interface DeletionBudget {
  count: number | null;
  percent: number | null;
}

/** Null when the plan is within budget; otherwise a sentence that names the limit it breaks and how to proceed. */
export function overBudget(deletions: number, membersInScope: number, budget: DeletionBudget, allowDeletes = 0): string | null {
  if (deletions === 0 || deletions <= allowDeletes) return null;
  const reasons: string[] = [];
  if (budget.count !== null) {
    if (deletions > budget.count) reasons.push(`more than ${budget.count}`);
  }
  if (budget.percent !== null) {
    // At least one deletion is always allowed, so a three-member workspace can lose one person.
    const cap = Math.max(1, Math.floor((membersInScope * budget.percent) / 100));
    if (deletions > cap) reasons.push(`more than ${budget.percent}% of the ${membersInScope} members this connector manages`);
  }
  if (reasons.length === 0) return null;
  return `the plan deactivates or removes ${deletions} member${deletions === 1 ? '' : 's'}, ${reasons.join(' and ')} (the workspace's deletion budget); approve it with rosterd plan approve <plan id>, or run reconcile with --allow-deletes ${deletions}`;
}
