import type { Change } from '../model/plan.js';
import { html, type Html } from './html.js';

/** ∅ for nothing, JSON for lists and objects. */
const shown = (value: unknown): string => (value === null || value === undefined ? '∅' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** Each change's action, kind and key, then what it sets, changes (before → after) or removes, or why it is skipped. */
export function changeTable(changes: readonly Change[]): Html {
  if (changes.length === 0) return html`<p class="muted">No changes.</p>`;
  return html`<table>
<thead><tr><th>Action</th><th>Kind</th><th>Key</th><th>Fields</th><th>Reason</th></tr></thead>
<tbody>${changes.map(changeRow)}</tbody>
</table>`;
}

function changeRow(change: Change): Html {
  const deletion = change.action === 'remove' || change.action === 'deactivate';
  return html`<tr class="${deletion ? 'deletion' : ''}">
<td class="${deletion ? 'bad' : change.action === 'skip' ? 'warn' : ''}">${change.action}</td>
<td>${change.kind}</td>
<td class="mono">${change.key}</td>
<td class="diff mono">${fields(change)}</td>
<td>${change.reason ?? ''}</td>
</tr>`;
}

function fields(change: Change): Html[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  if (change.action === 'create') {
    return Object.entries(after)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => html`<div>${k} <ins>${shown(v)}</ins></div>`);
  }
  if (change.action === 'remove' && change.after === null) {
    return Object.entries(before)
      .filter(([, v]) => v !== null && v !== undefined)
      .slice(0, 6)
      .map(([k, v]) => html`<div>${k} <del>${shown(v)}</del></div>`);
  }
  return Object.keys(after).map((k) => html`<div>${k}: <del>${shown(before[k])}</del> → <ins>${shown(after[k])}</ins></div>`);
}
