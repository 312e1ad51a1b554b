import type { LogEvent } from '@okta/okta-sdk-nodejs';
import type { OktaReader } from './okta-client.js';

/** Membership events may mean "unassigned"; lifecycle events may not. */
export type Touch = 'membership' | 'lifecycle';

export interface LogFindings {
  /** A membership touch is never downgraded to a lifecycle one. */
  touch(id: string | undefined, how: Touch): void;
  /** They concern the app only when the group is assigned to it. */
  groupEvents: { userId: string; groupId: string }[];
  /** Their members are all re-read. */
  expandGroups: Set<string>;
}

/** So events persisted late are not missed. */
const LOG_LOOKBACK_MS = 60_000;

/** A minute back against clock skew, unless that minute holds more than `maxLogPages`. */
export async function logPosition(okta: OktaReader, now: number, maxLogPages: number): Promise<string | null> {
  let position: string | null = null;
  for (const lookback of [LOG_LOOKBACK_MS, 0]) {
    const since = new Date(now - lookback).toISOString();
    let pages = 0;
    position = since;
    for await (const page of okta.logPages({ since })) {
      position = page.next ?? position;
      if (page.items.length === 0) return position;
      if (++pages >= maxLogPages) break;
    }
  }
  // An earlier position only means more replay, never a missed change.
  return position;
}

export function classifyLogEvent(event: LogEvent, appId: string, found: LogFindings): void {
  const type = event.eventType ?? '';
  const targets = event.target ?? [];
  const userId = targets.find((t) => t.type === 'User')?.id;
  const appTarget = targets.find((t) => t.type === 'AppInstance');
  const groupId = targets.find((t) => t.type === 'UserGroup')?.id;
  // The AppUser target has its own id; the person is always the `User` target.
  if (type.startsWith('application.user_membership.')) {
    if (!appTarget || appTarget.id === appId) found.touch(userId, 'membership');
  } else if (type.startsWith('group.user_membership.')) {
    if (userId && groupId) found.groupEvents.push({ userId, groupId });
  } else if (type.startsWith('group.application_assignment.')) {
    if (groupId && appTarget?.id === appId) found.expandGroups.add(groupId);
  } else if (type.startsWith('user.lifecycle.') || type === 'user.account.update_profile') {
    found.touch(userId, 'lifecycle');
  }
}
