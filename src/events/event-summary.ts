import type { AppGroup, AppMember, MemberRef } from './app-resources.js';
import type { FieldChange, RosterdEvent } from './event.js';

const DETAIL_LENGTH = 100;

const shown = (value: unknown): string => (value === null || value === undefined ? '∅' : typeof value === 'object' ? JSON.stringify(value) : String(value));

function changesLine(changes: Record<string, FieldChange> | undefined): string {
  if (!changes) return '';
  return Object.entries(changes)
    .map(([field, { before, after }]) => `${field}: ${shown(before)} → ${shown(after)}`)
    .join(', ');
}

const cut = (text: string): string => (text.length > DETAIL_LENGTH ? `${text.slice(0, DETAIL_LENGTH - 1)}…` : text);

export function summarizeEvent(event: RosterdEvent): { subject: string; detail: string } {
  const data = event.data as { member?: AppMember | MemberRef; group?: AppGroup; changes?: Record<string, FieldChange>; projectRole?: string | null };
  if (data.group && data.member) {
    const who = data.member.userName ?? data.member.id;
    return { subject: `${data.group.displayName} ← ${who}`, detail: data.projectRole ? `projectRole ${data.projectRole}` : '' };
  }
  if (data.group) return { subject: data.group.displayName, detail: cut(changesLine(data.changes)) };
  const member = data.member as AppMember;
  if (event.type === 'member.created') {
    const what = [member.role && `role ${member.role}`, member.seatType && `seat ${member.seatType}`, !member.active && 'inactive'].filter(Boolean).join(', ');
    return { subject: member.userName, detail: what };
  }
  return { subject: member.userName, detail: cut(changesLine(data.changes)) };
}
