import type { WorkspaceHealth } from '../admin/workspace-health.js';
import { DRIFT_REASONS, type DriftReason } from '../model/drift.js';
import type { Workspace } from '../model/workspace.js';
import { describe } from '../reconcile/tally.js';
import type { LogEntry } from '../store/provisioning-log-repository.js';
import type { SyncRun } from '../store/sync-run-repository.js';
import { consolePage, csrfField, type PageContext } from './console-page.js';
import { planHref, workspaceHref } from './console-links.js';
import { GROUPS_PER_PAGE, MEMBERS_SHOWN, type ListedGroup } from './group-listing.js';
import { html, type Html } from './html.js';
import { MEMBERS_PER_PAGE, type ListedMember, type MemberFilter } from './member-listing.js';
import { timeAgo } from './time-ago.js';

export interface WorkspaceView {
  workspace: Workspace;
  health: WorkspaceHealth;
  filter: MemberFilter;
  members: { total: number; members: ListedMember[] };
  groupPage: number;
  groups: { total: number; groups: ListedGroup[] };
  /** Newest first. */
  log: (LogEntry & { id: number })[];
  runs: SyncRun[];
  /** Provisioning on demand needs one. */
  binding: string | null;
  now: Date;
}

export function workspacePage(view: WorkspaceView, context: PageContext): Html {
  const { workspace } = view;
  return consolePage(
    workspace.id,
    context,
    html`<p><a href="/console">← workspaces</a></p>
<h1>${workspace.id} <span class="muted">${workspace.name === workspace.id ? null : workspace.name}</span></h1>
${bindingsSection(view)}
${provisionSection(view, context)}
<h2 id="members">Members <span class="muted">(${view.members.total})</span></h2>
${membersSection(view)}
<h2 id="groups">${workspace.policy.groups.mode === 'projects' ? 'Projects' : 'Groups'} <span class="muted">(${view.groups.total})</span></h2>
${groupsSection(view)}
<h2 id="log">Provisioning log <span class="muted">(newest ${view.log.length})</span></h2>
${logSection(view)}
<h2 id="runs">Pull runs <span class="muted">(newest ${view.runs.length})</span></h2>
${runsSection(view)}
<h2 id="policy">Policy</h2>
${policySection(workspace)}`,
  );
}

function bindingsSection({ workspace, health, now }: WorkspaceView): Html {
  const ago = (at: string | null) => (at ? html`${at} <span class="muted">(${timeAgo(at, now)})</span>` : html`<span class="muted">never</span>`);
  const bindings =
    health.bindings.length === 0
      ? html`<p class="muted">No pull binding: this workspace is provisioned by SCIM push only.</p>`
      : html`<table>
<thead><tr><th>Binding</th><th>Last good cycle</th><th>Last full read</th><th>Pending plan</th><th>Last run</th><th>In drift</th></tr></thead>
<tbody>${health.bindings.map(
          (b) => html`<tr>
<td>connector:${b.binding}</td>
<td>${ago(b.lastGoodAt)}</td>
<td>${ago(b.lastFullAt)}${b.fullDue ? html`<div class="muted">next cycle reads everything: ${b.fullDue}</div>` : null}</td>
<td>${b.pendingPlan ? html`<a class="warn" href="${planHref(b.pendingPlan)}">${b.pendingPlan}</a>` : html`<span class="muted">none</span>`}</td>
<td>${b.lastRun ? html`${b.lastRun.result} <span class="muted">${timeAgo(b.lastRun.finishedAt ?? b.lastRun.startedAt, now)}</span><div class="muted">${b.lastRun.message}</div>` : html`<span class="muted">none</span>`}</td>
<td>${b.driftTotal === 0 ? html`<span class="muted">none</span>` : (Object.entries(b.drift) as [DriftReason, number][]).map(([reason, n]) => html`<div class="warn">${n} ${DRIFT_REASONS[reason]}</div>`)}</td>
</tr>`,
        )}</tbody></table>`;
  const drifted =
    health.drift.length === 0
      ? null
      : html`<h3>Members in drift</h3><table>
<thead><tr><th>Binding</th><th>External id</th><th>Reason</th><th>Detail</th></tr></thead>
<tbody>${health.drift.map((d) => html`<tr><td>${d.binding}</td><td class="mono">${d.externalId}</td><td>${d.reason}</td><td>${d.detail}</td></tr>`)}</tbody></table>`;
  const webhooks =
    health.stoppedWebhooks.length === 0
      ? null
      : html`<h3>Webhooks not delivering</h3><ul>${health.stoppedWebhooks.map(
          (e) => html`<li class="bad">${e.id}: ${e.status}${e.failingSince ? html` since ${e.failingSince}` : null}: ${e.url}${e.statusReason ? html` (${e.statusReason})` : null}; <code>rosterd webhook enable ${e.id}</code> resumes it</li>`,
        )}</ul>`;
  return html`<section>
<dl class="facts">
<dt>Version</dt><dd>${workspace.version.toUpperCase()}</dd>
<dt>Members</dt><dd>${health.memberCount}</dd>
<dt>Last SCIM push</dt><dd>${health.lastScimPush ? html`${ago(health.lastScimPush.at)} · ${health.lastScimPush.operation} ${health.lastScimPush.result}` : html`<span class="muted">none recently</span>`}</dd>
</dl>
${bindings}${drifted}${webhooks}
</section>`;
}

function provisionSection({ workspace, binding }: WorkspaceView, context: PageContext): Html | null {
  if (binding === null) return null;
  return html`<h2 id="provision">Provision on demand</h2>
<section>
<p>Reads one user from the IdP through <strong>connector:${binding}</strong> and applies what it says, through the workspace's policy, as
<code>rosterd reconcile ${workspace.id} --user …</code> does: created, updated, or deprovisioned when no longer assigned.</p>
<form method="post" action="${workspaceHref(workspace.id)}/provision" class="inline">
${csrfField(context)}
<label>userName or externalId <input type="text" name="user" required class="wide" maxlength="512"></label>
<button type="submit">Provision</button>
</form>
</section>`;
}

function membersSection({ workspace, filter, members }: WorkspaceView): Html {
  const base = workspaceHref(workspace.id);
  const query = (page: number) =>
    `${base}?${new URLSearchParams({ q: filter.text, field: filter.field, active: filter.active, page: String(page) }).toString()}#members`;
  const pages = Math.max(1, Math.ceil(members.total / MEMBERS_PER_PAGE));
  const roleHeader = workspace.version === 'v1' ? 'Seat' : 'Role';
  return html`<section>
<form method="get" action="${base}" class="inline">
<label>Search <input type="text" name="q" value="${filter.text}" maxlength="512"></label>
<label>in <select name="field">
<option value="userName"${filter.field === 'userName' ? ' selected' : ''}>userName</option>
<option value="externalId"${filter.field === 'externalId' ? ' selected' : ''}>externalId</option>
</select></label>
<label>Active <select name="active">
<option value="any"${filter.active === 'any' ? ' selected' : ''}>any</option>
<option value="yes"${filter.active === 'yes' ? ' selected' : ''}>yes</option>
<option value="no"${filter.active === 'no' ? ' selected' : ''}>no</option>
</select></label>
<button type="submit" class="secondary">Filter</button>
</form>
${
  members.members.length === 0
    ? html`<p class="muted">No members match.</p>`
    : html`<table>
<thead><tr><th>userName</th><th>externalId</th><th>Active</th><th>${roleHeader}</th><th>Credit</th><th>Owner</th><th>Managed by</th><th>Field sources</th><th>Drift</th></tr></thead>
<tbody>${members.members.map(
        (m) => html`<tr>
<td>${m.userName}${m.displayName ? html`<div class="muted">${m.displayName}</div>` : null}</td>
<td class="mono">${m.externalId}</td>
<td>${m.active ? 'yes' : html`<span class="warn">no</span>`}</td>
<td>${workspace.version === 'v1' ? m.seatType : m.role}</td>
<td class="num">${m.creditLimit}</td>
<td>${m.owner ? 'owner' : ''}</td>
<td>${m.managedBy === null ? html`<span class="muted">-</span>` : `connector:${m.managedBy}`}</td>
<td>${fieldSources(m)}</td>
<td>${m.drift ? html`<span class="warn">${m.drift.reason}</span><div class="muted">${m.drift.detail}</div>` : html`<span class="muted">-</span>`}</td>
</tr>`,
      )}</tbody></table>`
}
<div class="pager">
${filter.page > 1 ? html`<a href="${query(filter.page - 1)}">← previous</a>` : null}
<span class="muted">page ${filter.page} of ${pages}</span>
${filter.page < pages ? html`<a href="${query(filter.page + 1)}">next →</a>` : null}
</div>
</section>`;
}

/** "connector:entra: userName, role · key:…: title". */
function fieldSources(member: ListedMember): Html {
  const bySource = new Map<string, string[]>();
  for (const [field, source] of Object.entries(member.fieldSources ?? {})) {
    if (source === undefined) continue;
    bySource.set(source, [...(bySource.get(source) ?? []), field]);
  }
  if (bySource.size === 0) return html`<span class="muted">${member.lastSource}</span>`;
  return html`${[...bySource].map(([source, fields]) => html`<div><strong>${source}</strong>: ${fields.join(', ')}</div>`)}`;
}

function groupsSection({ workspace, groups, groupPage }: WorkspaceView): Html {
  if (groups.groups.length === 0) return html`<section><p class="muted">No groups.</p></section>`;
  const projects = workspace.policy.groups.mode === 'projects';
  const pages = Math.max(1, Math.ceil(groups.total / GROUPS_PER_PAGE));
  const base = workspaceHref(workspace.id);
  return html`<section><table>
<thead><tr><th>Name</th><th>As the app shows it</th><th>externalId</th><th>Source</th><th>Members</th><th>First members${projects ? ' (project role)' : ''}</th></tr></thead>
<tbody>${groups.groups.map(
    (g) => html`<tr>
<td>${g.displayName}</td>
<td>${g.appName}</td>
<td class="mono">${g.externalId}</td>
<td>${g.lastSource}</td>
<td class="num">${g.memberCount}</td>
<td>${g.members.map((m) => html`<div>${m.userName}${m.projectRole ? html` <span class="badge">${m.projectRole}</span>` : null}</div>`)}${
      g.memberCount > MEMBERS_SHOWN ? html`<div class="muted">and ${g.memberCount - MEMBERS_SHOWN} more</div>` : null
    }</td>
</tr>`,
  )}</tbody></table>
<div class="pager">
${groupPage > 1 ? html`<a href="${base}?groups=${groupPage - 1}#groups">← previous</a>` : null}
<span class="muted">page ${groupPage} of ${pages}</span>
${groupPage < pages ? html`<a href="${base}?groups=${groupPage + 1}#groups">next →</a>` : null}
</div>
</section>`;
}

const summarize = (value: Record<string, unknown> | null): string =>
  value === null ? '' : Object.entries(value).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ').slice(0, 200);

function logSection({ log }: WorkspaceView): Html {
  if (log.length === 0) return html`<section><p class="muted">No provisioning log entries.</p></section>`;
  return html`<section><table>
<thead><tr><th>At</th><th>Actor</th><th>Operation</th><th>Target</th><th>Result</th><th>Change, or why not</th></tr></thead>
<tbody>${log.map(
    (e) => html`<tr>
<td class="mono">${e.at}</td>
<td>${e.actor}</td>
<td>${e.operation}</td>
<td class="mono">${e.targetKind === 'plan' && e.targetId ? html`<a href="${planHref(e.targetId)}">${e.targetId}</a>` : (e.targetKey ?? e.targetId)}</td>
<td><span class="badge ${e.result === 'refused' ? 'bad' : e.result === 'skipped' ? 'warn' : 'good'}">${e.result}${e.errorStatus ? ` ${e.errorStatus}` : ''}</span></td>
<td>${e.result === 'applied' ? html`<span class="mono">${summarize(e.after ?? e.before)}</span>` : e.errorDetail}</td>
</tr>`,
  )}</tbody></table></section>`;
}

const duration = (start: string, end: string | null) => (end ? `${((Date.parse(end) - Date.parse(start)) / 1000).toFixed(1)} s` : 'running');

function runsSection({ runs }: WorkspaceView): Html {
  if (runs.length === 0) return html`<section><p class="muted">No pull runs yet.</p></section>`;
  return html`<section><table>
<thead><tr><th>Started</th><th>Source</th><th>Mode</th><th>Trigger</th><th>Read</th><th>Changes</th><th>Duration</th><th>Result</th><th>Plan</th></tr></thead>
<tbody>${runs.map(
    (r) => html`<tr>
<td class="mono">${r.startedAt}</td>
<td>connector:${r.binding}</td>
<td>${r.mode}${r.dryRun ? ' (dry run)' : ''}</td>
<td>${r.trigger}</td>
<td class="num">${r.membersRead}</td>
<td>${r.summary ? describe(r.summary) : ''}</td>
<td>${duration(r.startedAt, r.finishedAt)}</td>
<td><span class="badge ${r.result === 'failed' || r.result === 'refused' || r.result === 'aborted' ? 'bad' : r.result === 'drift' ? 'warn' : 'good'}">${r.result}</span>${
      r.drift ? html` <span class="warn">${r.drift} in drift</span>` : null
    }${r.message ? html`<div class="muted">${r.message}</div>` : null}</td>
<td>${r.planId ? html`<a href="${planHref(r.planId)}">${r.planId.slice(0, 8)}…</a>` : null}</td>
</tr>`,
  )}</tbody></table></section>`;
}

function policySection(workspace: Workspace): Html {
  return html`<section><dl class="facts">
<dt>version</dt><dd>${workspace.version.toUpperCase()}</dd>
<dt>extension URN</dt><dd class="mono">${workspace.extensionUrn}</dd>
${Object.entries(workspace.policy).map(([key, value]) => html`<dt>${key}</dt><dd class="mono">${JSON.stringify(value)}</dd>`)}
<dt>revision</dt><dd>${workspace.revision}</dd>
</dl></section>`;
}
