import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Change, ChangeAction } from '../../model/plan.js';
import type { Database } from '../../store/database.js';
import { planChanges, type StoredPlan } from '../../store/plan-repository.js';
import { renderTable } from './table.js';

/**
 * A stored plan for people (counts per action, then each change with the fields that differ and why) and for
 * machines (the plan as JSON, ARCHITECTURE's shape). Both stream the changes a page at a time, so a plan of a
 * million changes prints without being held in memory.
 */
const ACTIONS: ChangeAction[] = ['create', 'update', 'reactivate', 'deactivate', 'remove', 'skip'];

const show = (value: unknown): string => (value === null || value === undefined ? '∅' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** The fields a new member or group is shown by: a member's identity and entitlements, every field of a group. */
function notableFields(change: Change): string {
  const after = change.after ?? {};
  const keys = change.kind === 'member' ? ['externalId', 'role', 'seatType', 'creditLimit', 'active'] : Object.keys(after);
  return keys.filter((k) => after[k] !== null && after[k] !== undefined).map((k) => `${k}=${show(after[k])}`).join(' ');
}

/**
 * "role: viewer → editor, department: Sales → Finance" for an update (only the fields that differ); the notable
 * fields of a create, and of a skipped one (a refused create has nothing before it).
 */
export function describeChange(change: Change): string {
  if (change.action === 'create' || (change.action === 'skip' && !change.before)) return notableFields(change);
  if (change.action === 'remove') return '';
  return fieldDiff(change);
}

function fieldDiff(change: Change): string {
  const before = change.before ?? {};
  const after = change.after ?? {};
  return Object.keys(after)
    .filter((k) => show(before[k]) !== show(after[k]))
    .map((k) => `${k}: ${show(before[k])} → ${show(after[k])}`)
    .join(', ');
}

export function planHeader(plan: StoredPlan): string {
  const counts = ACTIONS.map((a) => `${a} ${plan.summary[a]}`).join(' · ');
  const lines = [
    `plan ${plan.id} · workspace ${plan.workspaceId} · ${plan.source} · ${plan.status} · basis revision ${plan.basis} · ${plan.createdAt}`,
    counts,
    ...plan.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join('\n');
}

/** The readable table, written page by page. */
export async function writePlanTable(db: Kysely<Database>, plan: StoredPlan, out: Writable): Promise<void> {
  await write(out, `${planHeader(plan)}\n`);
  if (plan.changeCount === 0) return write(out, 'no changes\n');
  let first = true;
  for await (const page of planChanges(db, plan.id)) {
    const table = renderTable(
      ['ACTION', 'KIND', 'KEY', 'CHANGES', 'REASON'],
      page.map((c) => [c.action, c.kind, c.key, describeChange(c), c.reason]),
    );
    // Only the first page carries the header row; column widths are per page.
    await write(out, `${first ? '\n' : ''}${first ? table : table.split('\n').slice(1).join('\n')}\n`);
    first = false;
  }
}

/** The plan as JSON, streamed: `{ id, workspaceId, source, basis, createdAt, status, summary, warnings, changes: [...] }`. */
export async function writePlanJson(db: Kysely<Database>, plan: StoredPlan, out: Writable): Promise<void> {
  const { id, workspaceId, source, binding, basis, createdAt, status, summary, warnings, complete } = plan;
  const head = JSON.stringify({ id, workspaceId, source, binding, basis, createdAt, status, complete, summary, warnings }, null, 2);
  await write(out, `${head.slice(0, -2)},\n  "changes": [`);
  let first = true;
  for await (const page of planChanges(db, plan.id)) {
    let text = '';
    for (const change of page) {
      text += `${first ? '' : ','}\n    ${JSON.stringify(change)}`;
      first = false;
    }
    await write(out, text);
  }
  await write(out, `${first ? '' : '\n  '}]\n}\n`);
}

export async function writePlanFile(db: Kysely<Database>, plan: StoredPlan, file: string): Promise<void> {
  const out = createWriteStream(file);
  await writePlanJson(db, plan, out);
  out.end();
  await once(out, 'close');
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}
