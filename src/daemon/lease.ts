import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { DEFAULT_LEASE_TTL_SECONDS } from '../config/config-schema.js';
import type { Logger } from '../log/create-logger.js';
import type { Database } from '../store/database.js';
import { claimLease, releaseLease } from '../store/lease-repository.js';

/**
 * One runner per schedule across instances that share a database: whoever holds the unexpired lease runs the
 * cycle. The holder renews it while the cycle runs; an instance that dies simply stops renewing, and another
 * takes over once the lease expires. Nothing here needs the dying instance to clean up.
 */

/** The scheduler's lease when none is configured: `daemon.leaseTtlSeconds`' default. */
export const DEFAULT_LEASE_TTL_MS = DEFAULT_LEASE_TTL_SECONDS * 1000;

/** The lease that guards the pull schedule of one binding. */
export function pullLeaseName(workspaceId: string, binding: string): string {
  return `pull:${workspaceId}/${binding}`;
}

/**
 * Who holds a lease: host and pid say which process to look at; the random part tells a restarted process
 * (same pid in a new container) from its predecessor, whose lease it must not mistake for its own.
 */
export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Renew three times per TTL, so one failed or slow renewal still leaves two chances before expiry. */
export function heartbeatInterval(ttlMs: number): number {
  return Math.max(1, Math.floor(ttlMs / 3));
}

/**
 * After a renewal failed (the database did not answer): can we still be sure nobody else holds the lease when
 * the next renewal is due? If not, give the lease up now, before another instance can take it over.
 */
export function mayExpireBeforeNextBeat(now: number, confirmedUntil: number, intervalMs: number): boolean {
  return now + intervalMs >= confirmedUntil;
}

export interface LeaseOptions {
  db: Kysely<Database>;
  name: string;
  holder: string;
  ttlMs: number;
  /** Epoch milliseconds; tests inject one. */
  clock?: () => number;
  log?: Logger;
}

export interface HeldLease {
  readonly name: string;
  readonly holder: string;
  /**
   * Aborts when the lease is lost: another instance took it, or renewals failed for so long that it may have
   * expired. Work done under the lease should stop then, since someone else may start the same work.
   */
  readonly signal: AbortSignal;
  /** Stop renewing; the lease stays in place until it expires. */
  stopHeartbeat(): void;
  /** Stop renewing and delete the lease (only if this holder still has it), so another instance need not wait. */
  release(): Promise<void>;
}

/** Acquire (or renew) the lease and keep renewing it at TTL/3 until stopped; null when another instance holds it. */
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
  // The renewal in flight, awaited by release(): a renewal that lands after the delete would re-create the lease.
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
