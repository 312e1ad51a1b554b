import { secondsBetween, workspaceHealth } from '../../admin/workspace-health.js';
import { DRIFT_REASONS, type DriftReason } from '../../model/drift.js';
import type { WebhookEndpoint } from '../../store/webhook-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { print, printJson, renderTable } from '../view/table.js';

/** Members in drift listed by name, at most. */
const LISTED = 50;

/** `rosterd status <workspace>`: per binding, whether it keeps up (cycles, full reads, a waiting plan) and what is out of line. */
export async function statusAction(globals: GlobalOptions, workspaceId: string, options: { json?: boolean }): Promise<void> {
  await withStore(globals, async ({ config, store }) => {
    const workspace = await requireWorkspace(store.db, workspaceId);
    const now = new Date();
    const health = await workspaceHealth(store.db, workspace.id, { connectors: config.connectors, driftListed: LISTED, now });
    const { drift: members, webhooks } = health;
    const statuses = health.bindings.map(({ secondsSinceLastGood: _seconds, driftTotal: _total, ...status }) => status);
    if (options.json) return printJson({ workspace: workspace.id, bindings: statuses, drift: members, webhooks });
    printWebhooks(webhooks);
    if (statuses.length === 0) return print(`workspace "${workspace.id}" has no pull binding yet; add one under connectors: in the configuration`);
    const ago = (at: string | null) => (at ? `${at} (${secondsBetween(at, now)} s ago)` : 'never');
    for (const s of health.bindings) {
      print(`connector:${s.binding}`);
      print(`  last good cycle  ${ago(s.lastGoodAt)}`);
      print(`  last full read   ${ago(s.lastFullAt)}${s.fullDue ? `; the next cycle reads everything: ${s.fullDue}` : ''}`);
      print(`  pending plan     ${s.pendingPlan ? `${s.pendingPlan} (rosterd plan approve ${s.pendingPlan})` : 'none'}`);
      print(`  last run         ${s.lastRun ? `${s.lastRun.result} at ${s.lastRun.finishedAt ?? s.lastRun.startedAt}${s.lastRun.message ? `: ${s.lastRun.message}` : ''}` : 'none'}`);
      print(`  in drift         ${s.driftTotal === 0 ? 'none' : (Object.entries(s.drift) as [DriftReason, number][]).map(([reason, n]) => `${n} ${DRIFT_REASONS[reason]}`).join('; ')}`);
    }
    if (members.length) {
      print('');
      print(renderTable(['BINDING', 'EXTERNAL ID', 'REASON', 'DETAIL'], members.map((m) => [m.binding, m.externalId, m.reason, m.detail])));
      if (members.length === LISTED) print(`(the first ${LISTED}; --json for the same, rosterd members ${workspace.id} --json for each member's drift)`);
    }
  });
}

/** The workspace's webhook endpoints (its own and every-workspace ones) that are not delivering, and why. */
function printWebhooks(endpoints: readonly WebhookEndpoint[]): void {
  const stopped = endpoints.filter((e) => e.status !== 'active');
  if (endpoints.length === 0) return;
  if (stopped.length === 0) {
    print(`webhooks         ${endpoints.length} delivering`);
    return;
  }
  for (const e of stopped) {
    const since = e.failingSince ? ` since ${e.failingSince}` : '';
    print(`webhook ${e.id}  ${e.status}${since}: ${e.url}${e.statusReason ? ` (${e.statusReason})` : ''}; rosterd webhook enable ${e.id} resumes it`);
  }
}
