import type { WorkspaceHealth } from '../admin/workspace-health.js';
import type { Workspace } from '../model/workspace.js';
import { consolePage, type PageContext } from './console-page.js';
import { planHref, workspaceHref } from './console-links.js';
import { html, type Html } from './html.js';
import { timeAgo } from './time-ago.js';

export interface WorkspaceRow {
  workspace: Workspace;
  health: WorkspaceHealth;
}

export function overviewPage(rows: readonly WorkspaceRow[], context: PageContext, now: Date): Html {
  const body =
    rows.length === 0
      ? html`<section><p>No workspaces yet. Create one with <code>rosterd workspace create &lt;id&gt;</code>.</p></section>`
      : html`<section><table>
<thead><tr><th>Workspace</th><th>Version</th><th>Members</th><th>Last SCIM push</th><th>Pull bindings</th><th>Pending plans</th><th>In drift</th><th>Webhooks</th></tr></thead>
<tbody>${rows.map((row) => workspaceRow(row, now))}</tbody>
</table></section>`;
  return consolePage('Workspaces', context, html`<h1>Workspaces</h1>${body}`);
}

function workspaceRow({ workspace, health }: WorkspaceRow, now: Date): Html {
  const push = health.lastScimPush;
  return html`<tr>
<td><a href="${workspaceHref(workspace.id)}">${workspace.id}</a><div class="muted">${workspace.name === workspace.id ? null : workspace.name}</div></td>
<td>${workspace.version.toUpperCase()}</td>
<td class="num">${health.memberCount}</td>
<td>${push ? html`${push.at}<div class="muted">${timeAgo(push.at, now)} · ${push.operation} ${push.result}</div>` : html`<span class="muted">none</span>`}</td>
<td>${health.bindings.length === 0 ? html`<span class="muted">none</span>` : health.bindings.map((b) => bindingCell(b, now))}</td>
<td>${health.pendingPlans.length === 0 ? html`<span class="muted">none</span>` : health.pendingPlans.map((id) => html`<div><a class="warn" href="${planHref(id)}">${id.slice(0, 8)}…</a></div>`)}</td>
<td class="num">${health.driftTotal === 0 ? html`<span class="muted">0</span>` : html`<span class="warn">${health.driftTotal}</span>`}</td>
<td>${webhookCell(health)}</td>
</tr>`;
}

function bindingCell(binding: WorkspaceHealth['bindings'][number], now: Date): Html {
  const run = binding.lastRun;
  const lag = binding.secondsSinceLastGood === null ? html`<span class="bad">no good cycle yet</span>` : html`last good ${binding.secondsSinceLastGood} s ago`;
  return html`<div><strong>connector:${binding.binding}</strong> · ${lag}${
    run ? html`<div class="muted">last run ${run.result} · ${timeAgo(run.finishedAt ?? run.startedAt, now)}</div>` : null
  }</div>`;
}

function webhookCell(health: WorkspaceHealth): Html {
  if (health.webhooks.length === 0) return html`<span class="muted">none</span>`;
  if (health.stoppedWebhooks.length === 0) return html`<span class="good">${health.webhooks.length} delivering</span>`;
  return html`${health.stoppedWebhooks.map((e) => html`<div class="bad">${e.status}: ${e.url}</div>`)}`;
}
