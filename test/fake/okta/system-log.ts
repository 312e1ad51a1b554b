import { randomUUID } from 'node:crypto';
import type { LogPredicate } from './system-log-filter.js';

/**
 * The fake org's System Log: the directory appends an event for every change a test makes, in the shapes the
 * connector reads (`eventType`, `published`, `target[]` with `User`, `AppInstance`, `AppUser`, `UserGroup`
 * entries). Events are kept in persistence order; a polling cursor is a position in that order, so a poller
 * never skips or repeats an event.
 */
export interface LogTarget {
  id: string;
  type: 'User' | 'AppInstance' | 'AppUser' | 'UserGroup';
  alternateId: string;
  displayName: string;
}

export interface LogEventRecord {
  uuid: string;
  /** Epoch ms. */
  published: number;
  eventType: string;
  displayMessage: string;
  actor: { id: string; type: string; alternateId: string; displayName: string };
  target: LogTarget[];
}

const ADMIN_ACTOR = { id: '00uFakeAdmin000000001', type: 'User', alternateId: 'admin@fake-okta.test', displayName: 'Fake Admin' };

export interface LogQuery {
  /** Start at the first event published at or after this time (ms)… */
  since?: number;
  /** …or at this cursor position (mutually exclusive with since). */
  position?: number;
  /** Bounded query end (ms); unset = polling query. */
  until?: number;
  limit: number;
  predicate: LogPredicate;
}

export interface LogPage {
  events: LogEventRecord[];
  /** Position after the last event scanned; the next link's cursor. */
  nextPosition: number;
  /** A bounded query has more; a polling query always gets a next link regardless. */
  more: boolean;
}

export class SystemLog {
  private readonly events: LogEventRecord[] = [];

  constructor(private readonly now: () => number) {}

  get size(): number {
    return this.events.length;
  }

  clear(): void {
    this.events.length = 0;
  }

  append(eventType: string, displayMessage: string, target: LogTarget[]): void {
    // Published times never go backwards, so `since` can be found by binary search.
    const last = this.events[this.events.length - 1];
    const published = Math.max(this.now(), last?.published ?? 0);
    this.events.push({ uuid: randomUUID(), published, eventType, displayMessage, actor: ADMIN_ACTOR, target });
  }

  query(q: LogQuery): LogPage {
    let index = q.since !== undefined ? this.firstAtOrAfter(q.since) : Math.min(q.position ?? 0, this.events.length);
    const events: LogEventRecord[] = [];
    while (index < this.events.length && events.length < q.limit) {
      const event = this.events[index]!;
      if (q.until !== undefined && event.published > q.until) break;
      index++;
      if (q.predicate(event)) events.push(event);
    }
    const more = index < this.events.length && (q.until === undefined || this.events[index]!.published <= q.until);
    return { events, nextPosition: index, more };
  }

  private firstAtOrAfter(since: number): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.published < since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The LogEvent JSON Okta returns (spec `LogEvent`), with the fields a consumer may touch filled in. */
export function renderLogEvent(e: LogEventRecord, iso: (ms: number) => string): Record<string, unknown> {
  return {
    actor: { ...e.actor, detailEntry: null },
    client: {
      userAgent: { rawUserAgent: 'rosterd-fake-okta', os: 'Unknown', browser: 'UNKNOWN' },
      zone: 'null',
      device: 'Unknown',
      id: null,
      ipAddress: '127.0.0.1',
      geographicalContext: null,
    },
    authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, interface: null, authenticationStep: 0, externalSessionId: 'fake' },
    displayMessage: e.displayMessage,
    eventType: e.eventType,
    outcome: { result: 'SUCCESS', reason: null },
    published: iso(e.published),
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    severity: 'INFO',
    debugContext: { debugData: { requestId: 'fake' } },
    legacyEventType: null,
    transaction: { type: 'WEB', id: 'fake', detail: {} },
    uuid: e.uuid,
    version: '0',
    request: { ipChain: [] },
    target: e.target.map((t) => ({ ...t, detailEntry: null })),
  };
}
