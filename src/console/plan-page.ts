import type { Change, ChangeAction } from '../model/plan.js';
import type { StoredPlan } from '../store/plan-repository.js';
import { changeTable } from './change-table.js';
import { consolePage, csrfField, type PageContext } from './console-page.js';
import { planHref, workspaceHref } from './console-links.js';
import { html, type Html } from './html.js';

export interface Notice {
  kind: 'good' | 'bad';
  text: string;
}

export interface PlanView {
  plan: StoredPlan;
  /** The first changes; `changeCount` says how many there are. */
  changes: Change[];
  notice: Notice | null;
}

const ACTIONS: ChangeAction[] = ['create', 'update', 'reactivate', 'deactivate', 'remove', 'skip'];

/** With Approve and Reject while pending. */
export function planPage(view: PlanView, context: PageContext): Html {
  const { plan } = view;
  const shown = view.changes.length < plan.changeCount ? html`<p class="muted">The first ${view.changes.length} of ${plan.changeCount} changes; <code>rosterd plan show ${plan.id}</code> prints them all.</p>` : null;
  return consolePage(
    `Plan ${plan.id.slice(0, 8)}`,
    context,
    html`<p><a href="${workspaceHref(plan.workspaceId)}">← workspace ${plan.workspaceId}</a></p>
<h1>Plan <span class="mono">${plan.id}</span></h1>
${view.notice ? html`<div class="notice ${view.notice.kind}" role="status">${view.notice.text}</div>` : null}
<section>
<dl class="facts">
<dt>Status</dt><dd><span class="badge ${plan.status === 'pending' ? 'warn' : plan.status === 'rejected' || plan.status === 'stale' ? 'bad' : 'good'}">${plan.status}</span>${
      plan.decidedBy ? html` by <strong>${plan.decidedBy}</strong> at ${plan.decidedAt}` : null
    }</dd>
<dt>Workspace</dt><dd>${plan.workspaceId}</dd>
<dt>Source</dt><dd>${plan.source}</dd>
<dt>Computed</dt><dd>${plan.createdAt} at workspace revision ${plan.basis}</dd>
<dt>IdP read</dt><dd>${plan.complete ? 'complete' : 'incomplete: nobody is deactivated or removed'}</dd>
<dt>Changes</dt><dd>${ACTIONS.map((a) => html`<span class="${(a === 'deactivate' || a === 'remove') && plan.summary[a] > 0 ? 'bad' : ''}">${a} ${plan.summary[a]}</span> · `)}deletions ${plan.deletions}</dd>
</dl>
${plan.warnings.length === 0 ? null : html`<ul>${plan.warnings.map((w) => html`<li class="warn">${w}</li>`)}</ul>`}
</section>
${plan.status === 'pending' ? decisions(plan, context) : null}
<h2>Changes</h2>
<section>${changeTable(view.changes)}${shown}</section>`,
  );
}

function decisions(plan: StoredPlan, context: PageContext): Html {
  return html`<section>
<p>This plan waits for an admin: it deactivates or removes more members than the workspace's deletion budget allows, and
the binding runs no cycle until it is decided. <strong>Approve</strong> applies exactly this plan (refused if the workspace changed
since it was computed); <strong>Reject</strong> applies none of it, and the binding's next cycle plans afresh.</p>
<div class="decisions">
<form method="post" action="${planHref(plan.id)}/approve">${csrfField(context)}<button type="submit">Approve and apply</button></form>
<form method="post" action="${planHref(plan.id)}/reject">${csrfField(context)}<button type="submit" class="danger">Reject</button></form>
</div>
</section>`;
}
