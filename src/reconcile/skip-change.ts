import type { Change } from '../model/plan.js';

/** A change the plan leaves out, and why. */
export function skip(key: string, targetId: string, reason: string, kind: Change['kind'] = 'member'): Change {
  return { action: 'skip', kind, key, targetId, before: null, after: null, reason };
}

/** A skip that leaves the user out of line: a key or a name another member or group holds. */
export function conflict(key: string, targetId: string, reason: string, kind: Change['kind'] = 'member'): Change {
  return { ...skip(key, targetId, reason, kind), drift: 'conflict' };
}
