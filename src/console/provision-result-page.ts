import type { Change } from '../model/plan.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-request.js';
import { changeTable } from './change-table.js';
import { consolePage, type PageContext } from './console-page.js';
import { planHref, workspaceHref } from './console-links.js';
import { html, type Html } from './html.js';

export interface ProvisionView {
  workspaceId: string;
  /** A userName or an externalId. */
  user: string;
  /** Null when it could not start (no such user, no binding). */
  outcome: ReconcileOutcome | null;
  error: string | null;
  changes: Change[];
}

const GOOD = new Set(['applied', 'no_changes']);

export function provisionResultPage(view: ProvisionView, context: PageContext): Html {
  const { outcome } = view;
  const kind = outcome && GOOD.has(outcome.result) ? 'good' : 'bad';
  const headline = outcome ? html`<strong>${outcome.result}</strong>: ${outcome.message}` : html`<strong>not provisioned</strong>: ${view.error}`;
  return consolePage(
    `Provision ${view.user}`,
    context,
    html`<p><a href="${workspaceHref(view.workspaceId)}">← workspace ${view.workspaceId}</a></p>
<h1>Provision on demand: ${view.user}</h1>
<div class="notice ${kind}" role="status">${headline}</div>
${outcome ? html`<p class="muted">Run ${outcome.runId}${outcome.planId ? html` · <a href="${planHref(outcome.planId)}">plan ${outcome.planId}</a>` : null}</p>` : null}
${outcome && outcome.warnings.length > 0 ? html`<ul>${outcome.warnings.map((w) => html`<li class="warn">${w}</li>`)}</ul>` : null}
${outcome ? html`<h2>What the IdP said, and what came of it</h2><section>${changeTable(view.changes)}</section>` : null}`,
  );
}
