import { DRIFT_REASONS, type DriftReason } from '../model/drift.js';
import { emptySummary, type Change, type ChangeAction } from '../model/plan.js';
import type { ChangeResult } from './apply.js';

/** Up to two distinct example sentences. */
export interface DriftCount {
  count: number;
  examples: string[];
}

/** Applied counts per action, and drift per reason. */
export class Tally {
  readonly applied: Record<ChangeAction, number> = emptySummary();
  readonly drift = new Map<DriftReason, DriftCount>();

  add(result: ChangeResult): void {
    if (result.status === 'applied') this.applied[result.change.action]++;
    else if (result.drift) this.note(result.drift, result.detail ?? result.change.reason ?? '');
    else if (result.status === 'skipped' && result.change.drift) this.note(result.change.drift, result.change.reason ?? '');
  }

  /** Dry runs: only skips that leave drift count. */
  addPlanned(change: Change): void {
    if (change.action === 'skip' && change.drift) this.note(change.drift, change.reason ?? '');
  }

  note(reason: DriftReason, sentence: string): void {
    const entry = this.drift.get(reason) ?? { count: 0, examples: [] };
    entry.count++;
    const example = firstClause(sentence);
    if (example && entry.examples.length < 2 && !entry.examples.includes(example)) entry.examples.push(example);
    this.drift.set(reason, entry);
  }

  get drifting(): number {
    let n = 0;
    for (const { count } of this.drift.values()) n += count;
    return n;
  }

  toJSON(): { applied: Record<ChangeAction, number>; drift: Partial<Record<DriftReason, DriftCount>> } {
    return { applied: this.applied, drift: Object.fromEntries(this.drift) };
  }
}

const HEADINGS: Record<DriftReason, string> = {
  refused: 'refused',
  no_seat: 'refused',
  owner: 'refused',
  conflict: 'in conflict',
  set_aside: 'set aside',
  not_applied: 'not applied',
  removed_elsewhere: 'removed elsewhere',
  changed_elsewhere: 'changed elsewhere',
};

/** "refused 5 (no builder seats left); in conflict 1 (…)". */
export function describeDrift(drift: ReadonlyMap<DriftReason, DriftCount>): string {
  const byHeading = new Map<string, { count: number; parts: string[] }>();
  for (const [reason, { count, examples }] of drift) {
    const heading = HEADINGS[reason];
    const entry = byHeading.get(heading) ?? { count: 0, parts: [] };
    entry.count += count;
    entry.parts.push(examples.length === 1 ? examples[0]! : DRIFT_REASONS[reason]);
    byHeading.set(heading, entry);
  }
  return [...byHeading].map(([heading, { count, parts }]) => `${heading} ${count} (${parts.join('; ')})`).join('; ');
}

/** "no builder seats left" of "no builder seats left: workspace …". */
function firstClause(sentence: string): string {
  const text = sentence.replace(/^refused by the workspace policy: /, '');
  const cut = text.search(/[:;]\s/);
  return (cut >= 0 ? text.slice(0, cut) : text).trim();
}

const WORDS: Record<ChangeAction, [string, string]> = {
  create: ['create', 'creates'],
  update: ['update', 'updates'],
  reactivate: ['reactivation', 'reactivations'],
  deactivate: ['deactivation', 'deactivations'],
  remove: ['removal', 'removals'],
  skip: ['skip', 'skips'],
};

/** "3 creates, 1 update, 2 deactivations". */
export function describe(summary: Record<ChangeAction, number>): string {
  const parts = (Object.keys(WORDS) as ChangeAction[]).filter((a) => summary[a] > 0).map((a) => `${summary[a]} ${WORDS[a][summary[a] === 1 ? 0 : 1]}`);
  return parts.length ? parts.join(', ') : 'no changes';
}
