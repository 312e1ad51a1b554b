import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { DEFAULT_LEASE_TTL_SECONDS } from '../config/config-schema.js';
import type { Logger } from '../log/create-logger.js';
import type { Database } from '../store/database.js';
import { claimLease, releaseLease } from '../store/lease-repository.js';

// The holder of a binding's unexpired lease runs its cycles and renews it meanwhile; a dead instance just stops
// renewing and another takes over on expiry.

export const DEFAULT_LEASE_TTL_MS = DEFAULT_LEASE_TTL_SECONDS * 1000;

export function pullLeaseName(workspaceId: string, binding: string): string {
  return `pull:${workspaceId}/${binding}`;
}

/** The random part tells a restarted process (same pid) from its predecessor. */
export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** One failed renewal still leaves two chances before expiry. */
export function heartbeatInterval(ttlMs: number): number {
  return Math.max(1, Math.floor(ttlMs / 3));
}

/** True if the lease may expire before the next beat, so it must be given up now. */
export function mayExpireBeforeNextBeat(now: number, confirmedUntil: number, intervalMs: number): boolean {
  return now + intervalMs >= confirmedUntil;
}

export interface LeaseOptions {
  db: Kysely<Database>;
  name: string;
  holder: string;
  ttlMs: number;
  clock?: () => number;
  log?: Logger;
}

export interface HeldLease {
  readonly name: string;
  readonly holder: string;
  /** Aborts when the lease is lost: stop, since someone else may start the same work. */
  readonly signal: AbortSignal;
  stopHeartbeat(): void;
  release(): Promise<void>;
}

export async function holdLease(options: LeaseOptions): Promise<HeldLease | null> {
  const { db, name, holder, ttlMs } = options;
  const clock = options.clock ?? Date.now;
  const claim = async () => {
    const now = clock();
    return { held: await claimLease(db, { name, holder, now, ttlMs }), now };
  };

  const first = await claim();
  if (!first.held) return null;

  const interval = heartbeatInterval(ttlMs);
  const controller = new AbortController();
  let confirmedUntil = first.now + ttlMs;
  let beating = true;
  let timer: NodeJS.Timeout | undefined;
  // Awaited by release(): a renewal landing after the delete would re-create the lease.
  let inFlight: Promise<void> = Promise.resolve();

  const lose = (reason: string) => {
    beating = false;
    options.log?.warn({ lease: name, holder }, `lease lost: ${reason}`);
    controller.abort(new Error(`lease ${name} lost: ${reason}`));
  };
  const beat = async () => {
    timer = undefined;
    try {
      const renewal = await claim();
      if (!beating) return;
      if (!renewal.held) return lose('another instance holds it');
      confirmedUntil = renewal.now + ttlMs;
    } catch (error) {
      if (!beating) return;
      options.log?.warn({ lease: name, err: error }, 'lease renewal failed');
      if (mayExpireBeforeNextBeat(clock(), confirmedUntil, interval)) return lose('renewals failed until it may have expired');
    }
    arm();
  };
  const arm = () => {
    if (beating) timer = setTimeout(() => (inFlight = beat()), interval);
  };
  const stopHeartbeat = () => {
    beating = false;
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  arm();

  return {
    name,
    holder,
    signal: controller.signal,
    stopHeartbeat,
    async release() {
      stopHeartbeat();
      await inFlight;
      await releaseLease(db, name, holder);
    },
  };
}
