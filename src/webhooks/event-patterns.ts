import { RosterdError } from '../error/rosterd-error.js';
import { EVENT_TYPES, type EventType } from '../events/event.js';

/** Exact types (`group.member_added`) or prefixes (`member.*`); `*` or null is every event. */
export type EventPatterns = readonly string[] | null;

/** Each pattern must match some event type, so a typo never leaves an endpoint silently receiving nothing. */
export function parseEventPatterns(text: string | undefined): EventPatterns {
  if (text === undefined) return null;
  const patterns = [...new Set(text.split(',').map((p) => p.trim()).filter((p) => p !== ''))];
  if (patterns.length === 0 || patterns.includes('*')) return null;
  for (const pattern of patterns) {
    if (!EVENT_TYPES.some((type) => matchesPattern(pattern, type))) {
      throw new RosterdError('ROSTERD_E_USAGE', `--events: "${pattern}" matches no event type; use a type such as group.member_added or a prefix such as member.* (types: ${EVENT_TYPES.join(', ')})`);
    }
  }
  return patterns;
}

function matchesPattern(pattern: string, type: EventType): boolean {
  return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

export function eventMatches(patterns: EventPatterns, type: string): boolean {
  return patterns === null || patterns.some((pattern) => matchesPattern(pattern, type as EventType));
}
