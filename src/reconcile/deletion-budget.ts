/** Deactivations plus removals one pull cycle may make before an admin must approve them. */
export interface DeletionBudget {
  count: number | null;
  percent: number | null;
}

/** Null when within budget; else a sentence naming the limit broken and how to proceed. */
export function overBudget(deletions: number, membersInScope: number, budget: DeletionBudget, allowDeletes = 0): string | null {
  if (deletions === 0 || deletions <= allowDeletes) return null;
  const reasons: string[] = [];
  if (budget.count !== null) {
    if (deletions > budget.count) reasons.push(`more than ${budget.count}`);
  }
  if (budget.percent !== null) {
    // Always allow one, so a three-member workspace can lose one person.
    const cap = Math.max(1, Math.floor((membersInScope * budget.percent) / 100));
    if (deletions > cap) reasons.push(`more than ${budget.percent}% of the ${membersInScope} members this connector manages`);
  }
  if (reasons.length === 0) return null;
  return `the plan deactivates or removes ${deletions} member${deletions === 1 ? '' : 's'}, ${reasons.join(' and ')} (the workspace's deletion budget); approve it with rosterd plan approve <plan id>, or run reconcile with --allow-deletes ${deletions}`;
}
