import type { Change } from '../model/plan.js';

export function skip(key: string, targetId: string, reason: string, kind: Change['kind'] = 'member'): Change {
  return { action: 'skip', kind, key, targetId, before: null, after: null, reason };
}

/** A skip leaving the user out of line: a key or name held by another member or group. */
export function conflict(key: string, targetId: string, reason: string, kind: Change['kind'] = 'member'): Change {
  return { ...skip(key, targetId, reason, kind), drift: 'conflict' };
}
