import { Webhook } from 'standardwebhooks';
import { holdLease, type HeldLease } from '../daemon/lease.js';
import type { Logger } from '../log/create-logger.js';
import { timeOrderedId } from '../model/time-ordered-id.js';
import type { Store } from '../store/create-db.js';
import { readEvents } from '../store/event-repository.js';
import { confirmLease } from '../store/lease-repository.js';
import {
  ensureWebhookCursor,
  markWebhookEndpointFailing,
  saveWebhookProgress,
  webhookCursors,
  type WebhookEndpointWithSecret,
} from '../store/webhook-repository.js';
import { advanceLane, laneOf, laneReady, type DeliveryLane } from './delivery-lane.js';
import type { DeliverySlots } from './delivery-slots.js';
import { eventMatches } from './event-patterns.js';
import { retryDelayMs } from './retry-schedule.js';
import { sendWebhook } from './send-webhook.js';
import type { WebhookSettings } from './webhook-settings.js';
import { Wakeup } from './wakeup.js';

/** The lease that makes one instance at a time deliver to an endpoint. */
export function webhookLeaseName(endpointId: string): string {
  return `webhook:${endpointId}`;
}

export type DeliveryOutcome = 'delivered' | 'failed';

export interface RunnerDeps {
  store: Store;
  log: Logger;
  settings: WebhookSettings;
  /** Shared by every endpoint: bounds the requests in flight overall. */
  slots: DeliverySlots;
  /** This process's lease holder id. */
  holder: string;
  /** Epoch milliseconds, for retries, the retry window and the history's times; tests move it. */
  clock: () => number;
  random: () => number;
  /** Each attempt's outcome, for /metrics. */
  observe?: (outcome: DeliveryOutcome) => void;
  /** Every workspace's last event sequence as far as this process knows (the dispatcher keeps it). */
  knownSeqs: ReadonlyMap<string, number>;
  /** Aborts when the dispatcher stops. */
  signal: AbortSignal;
}

/** Events read per query, ahead of delivery. */
const READ_AHEAD = 500;
/** Progress is saved once this many attempts wait, or … */
const SAVE_BATCH = 200;
/** … this long after the last save, and always before sleeping and after a failure. */
const SAVE_INTERVAL_MS = 250;
/** After an unexpected error (the database did not answer), the pause before the loop goes on. */
const ERROR_PAUSE_MS = 1_000;

class LeaseLost extends Error {}

/**
 * Delivers one endpoint's events while this process holds the endpoint's lease: each workspace's in sequence order,
 * the next event only after the endpoint accepted the one before (2xx), one request in flight, workspaces taken in
 * turn. A failed event is retried with backoff (its workspace waits, others go on) until the retry window closes,
 * then the endpoint is marked failing and left until `rosterd webhook enable`. Progress is saved in batches under
 * the lease; after a crash the next holder resumes from the saved cursor, so an event may arrive twice (receivers
 * drop duplicates by `webhook-id`), never out of order and never not at all.
 */
export class EndpointRunner {
  private endpoint: WebhookEndpointWithSecret;
  private signer: Webhook;
  private readonly wakeup = new Wakeup();
  private readonly own = new AbortController();
  private readonly signal: AbortSignal;
  private lease: HeldLease | null = null;
  private readonly lanes = new Map<string, DeliveryLane>();
  private order: DeliveryLane[] = [];
  private turnAt = 0;
  private reloadDue = true;
  private lastSaveAt = 0;
  /** Resolves when the runner has stopped, its progress saved and its lease released. */
  readonly done: Promise<void>;

  constructor(
    endpoint: WebhookEndpointWithSecret,
    private readonly deps: RunnerDeps,
  ) {
    this.endpoint = endpoint;
    this.signer = new Webhook(endpoint.secret);
    this.signal = AbortSignal.any([deps.signal, this.own.signal]);
    this.done = this.run();
  }

  get id(): string {
    return this.endpoint.id;
  }

  /** The endpoint as last read (its status may have changed from the CLI); its cursors are re-read too. */
  update(endpoint: WebhookEndpointWithSecret): void {
    if (endpoint.secret !== this.endpoint.secret) this.signer = new Webhook(endpoint.secret);
    this.endpoint = endpoint;
    this.reloadDue = true;
    this.wakeup.wake();
  }

  /** Events of `workspaceId` up to `seq` have committed. */
  announce(workspaceId: string, seq: number): void {
    if (this.endpoint.workspaceId !== null && this.endpoint.workspaceId !== workspaceId) return;
    const lane = this.lanes.get(workspaceId);
    if (lane) lane.knownSeq = Math.max(lane.knownSeq, seq);
    else this.reloadDue = true;
    this.wakeup.wake();
  }

  /** Stop delivering (the endpoint was removed); resolves once stopped. */
  stop(): Promise<void> {
    this.own.abort();
    return this.done;
  }

  private async run(): Promise<void> {
    try {
      while (!this.signal.aborted) {
        try {
          await this.turn();
        } catch (error) {
          if (this.signal.aborted) break;
          if (error instanceof LeaseLost) {
            this.forgetLease('another instance holds it');
            continue;
          }
          this.deps.log.warn({ err: error, endpoint: this.endpoint.id }, 'webhook delivery paused after an error');
          await this.wakeup.sleep(ERROR_PAUSE_MS, this.signal);
        }
      }
    } finally {
      await this.releaseLease().catch((error: unknown) => this.deps.log.warn({ err: error, endpoint: this.endpoint.id }, 'cannot save webhook progress at stop'));
    }
  }

  /** One step: hold the lease, re-read cursors when due, deliver one event or sleep until there is one. */
  private async turn(): Promise<void> {
    const { settings } = this.deps;
    if (this.endpoint.status !== 'active') {
      await this.releaseLease();
      return this.wakeup.sleep(settings.safetyTickMs, this.signal);
    }
    if (this.lease?.signal.aborted) this.forgetLease('its renewals failed');
    if (!this.lease) {
      this.lease = await holdLease({ db: this.deps.store.db, name: webhookLeaseName(this.endpoint.id), holder: this.deps.holder, ttlMs: settings.leaseTtlMs, log: this.deps.log });
      if (!this.lease) return this.wakeup.sleep(settings.safetyTickMs, this.signal);
      this.reloadDue = true;
    }
    if (this.reloadDue) await this.reload();
    const now = this.deps.clock();
    const lane = this.nextLane(now);
    if (!lane) {
      await this.save();
      return this.wakeup.sleep(this.idleMs(now), this.signal);
    }
    await this.deliverNext(lane);
    if (this.saveDue()) await this.save();
  }

  /** Re-read the endpoint's cursors: a cursor replayed or enabled since (another revision) starts over from its row. */
  private async reload(): Promise<void> {
    this.reloadDue = false;
    const { store, knownSeqs, clock } = this.deps;
    const cursors = await webhookCursors(store.db, this.endpoint.id);
    const seen = new Set<string>();
    for (const cursor of cursors) {
      seen.add(cursor.workspaceId);
      const lane = this.lanes.get(cursor.workspaceId);
      const known = knownSeqs.get(cursor.workspaceId);
      if (!lane || lane.revision !== cursor.revision) this.lanes.set(cursor.workspaceId, laneOf(cursor, known ?? cursor.lastSeq + 1));
      else if (known !== undefined) lane.knownSeq = Math.max(lane.knownSeq, known);
    }
    // A workspace an every-workspace endpoint has no cursor for was created after the endpoint: all of its events are new.
    const missing = this.endpoint.workspaceId === null ? [...knownSeqs.keys()].filter((id) => !seen.has(id)) : [];
    for (const workspaceId of missing) {
      const cursor = await ensureWebhookCursor(store.db, this.endpoint.id, workspaceId, 0, new Date(clock()).toISOString());
      if (cursor) {
        seen.add(workspaceId);
        this.lanes.set(workspaceId, laneOf(cursor, knownSeqs.get(workspaceId) ?? 1));
      }
    }
    for (const workspaceId of [...this.lanes.keys()]) if (!seen.has(workspaceId)) this.lanes.delete(workspaceId);
    this.order = [...this.lanes.values()];
  }

  /** The next lane with an event to try now, taking workspaces in turn. */
  private nextLane(now: number): DeliveryLane | undefined {
    const count = this.order.length;
    for (let i = 0; i < count; i++) {
      const at = (this.turnAt + i) % count;
      const lane = this.order[at]!;
      if (laneReady(lane, now)) {
        this.turnAt = at + 1;
        return lane;
      }
    }
    return undefined;
  }

  /** How long to sleep with nothing ready: until the first retry is due, at most a safety tick. */
  private idleMs(now: number): number {
    let ms = this.deps.settings.safetyTickMs;
    for (const lane of this.order) {
      if (lane.nextAttemptAt !== null && (lane.ahead.length > 0 || lane.knownSeq > lane.lastSeq)) ms = Math.min(ms, Math.max(1, lane.nextAttemptAt - now));
    }
    return ms;
  }

  private async deliverNext(lane: DeliveryLane): Promise<void> {
    const { store, settings, slots, clock, random, log } = this.deps;
    if (lane.ahead.length === 0) {
      // Off the main connection, which a write transaction holds across event-loop turns on SQLite: a committed
      // event is readable there at once, and the delivery never queues behind SCIM writes.
      const events = await readEvents(store.heavyReads, lane.workspaceId, lane.lastSeq, READ_AHEAD);
      if (events.length === 0) {
        lane.knownSeq = lane.lastSeq;
        return;
      }
      if (events[0]!.seq > lane.lastSeq + 1) {
        log.warn({ endpoint: this.endpoint.id, workspaceId: lane.workspaceId, from: lane.lastSeq + 1, to: events[0]!.seq - 1 }, 'webhook events were pruned by retention before delivery; going on after them');
      }
      lane.ahead = events;
      lane.knownSeq = Math.max(lane.knownSeq, events[events.length - 1]!.seq);
    }
    // Events the endpoint's filter leaves out move the cursor on without a request.
    while (lane.ahead.length > 0 && !eventMatches(this.endpoint.events, lane.ahead[0]!.type)) advanceLane(lane, lane.ahead.shift()!.seq);
    const event = lane.ahead[0];
    if (!event) return;

    const lease = this.lease!;
    const signals = [this.signal, lease.signal];
    const aborted = () => this.signal.aborted || lease.signal.aborted;
    let release: () => void;
    try {
      release = await slots.acquire(signals);
    } catch {
      return;
    }
    let result;
    try {
      result = await sendWebhook({ url: this.endpoint.url, signer: this.signer, event, timeoutMs: settings.timeoutMs, signals });
    } finally {
      release();
    }
    // Stopped or lease lost mid-request: not an attempt; whoever delivers next sends the event again.
    if (aborted()) return;

    const now = clock();
    const attempt = lane.attempts + 1;
    const outcome: DeliveryOutcome = result.delivered ? 'delivered' : 'failed';
    const error = result.error === null ? null : result.status === null ? result.error : `HTTP ${result.status}: ${result.error}`;
    lane.unsaved.push({
      id: timeOrderedId(),
      endpointId: this.endpoint.id,
      workspaceId: lane.workspaceId,
      seq: event.seq,
      eventId: event.id,
      eventType: event.type,
      attempt,
      at: new Date(now).toISOString(),
      outcome,
      httpStatus: result.status,
      durationMs: result.durationMs,
      error: result.error,
    });
    this.deps.observe?.(outcome);
    if (result.delivered) {
      lane.ahead.shift();
      advanceLane(lane, event.seq);
      return;
    }

    lane.attempts = attempt;
    lane.firstFailedAt ??= now;
    lane.lastError = error;
    lane.dirty = true;
    const context = { endpoint: this.endpoint.id, workspaceId: lane.workspaceId, seq: event.seq, attempt, status: result.status, error: result.error };
    if (now - lane.firstFailedAt >= settings.retry.windowMs) {
      await this.save();
      const reason = `event ${event.seq} of workspace "${lane.workspaceId}" failed for ${attempt} attempts since ${new Date(lane.firstFailedAt).toISOString()}: ${error}`;
      await markWebhookEndpointFailing(store.db, this.endpoint.id, reason, new Date(now).toISOString());
      this.endpoint = { ...this.endpoint, status: 'failing', failingSince: new Date(now).toISOString(), statusReason: reason };
      log.warn(context, 'webhook endpoint marked failing: its retries ran out; rosterd webhook enable resumes it');
      return;
    }
    // The last retry comes when the window closes.
    lane.nextAttemptAt = Math.min(now + retryDelayMs(attempt, settings.retry, result.retryAfterMs, random), lane.firstFailedAt + settings.retry.windowMs);
    log.info({ ...context, retryAt: new Date(lane.nextAttemptAt).toISOString() }, 'webhook delivery failed; retrying later');
    await this.save();
  }

  private saveDue(): boolean {
    let unsaved = 0;
    let dirty = false;
    for (const lane of this.order) {
      unsaved += lane.unsaved.length;
      dirty ||= lane.dirty;
    }
    return unsaved >= SAVE_BATCH || ((dirty || unsaved > 0) && Date.now() - this.lastSaveAt >= SAVE_INTERVAL_MS);
  }

  /**
   * Save every changed cursor and its attempts in one transaction that first confirms the lease, so nothing is saved
   * by an instance that lost it. A cursor changed meanwhile from the CLI is not saved; it is re-read instead.
   */
  private async save(): Promise<void> {
    const lease = this.lease;
    const changed = this.order.filter((lane) => lane.dirty || lane.unsaved.length > 0);
    this.lastSaveAt = Date.now();
    if (!lease || changed.length === 0) return;
    const now = new Date(this.deps.clock()).toISOString();
    const saved = await this.deps.store.writeTransaction(async (trx) => {
      if (!(await confirmLease(trx, lease.name, lease.holder, Date.now()))) throw new LeaseLost();
      const results: boolean[] = [];
      for (const lane of changed) {
        results.push(
          await saveWebhookProgress(trx, {
            endpointId: this.endpoint.id,
            workspaceId: lane.workspaceId,
            revision: lane.revision,
            lastSeq: lane.lastSeq,
            attempts: lane.attempts,
            firstFailedAt: lane.firstFailedAt === null ? null : new Date(lane.firstFailedAt).toISOString(),
            nextAttemptAt: lane.nextAttemptAt === null ? null : new Date(lane.nextAttemptAt).toISOString(),
            lastError: lane.lastError,
            deliveries: lane.unsaved,
            now,
          }),
        );
      }
      return results;
    });
    changed.forEach((lane, i) => {
      if (saved[i]) {
        lane.dirty = false;
        lane.unsaved = [];
      } else {
        // Replayed, enabled or removed meanwhile: what the row says now wins.
        this.lanes.delete(lane.workspaceId);
        this.reloadDue = true;
      }
    });
    if (this.reloadDue) this.order = [...this.lanes.values()];
  }

  /** Lost the lease: what is in memory may be stale by now; the next holder (maybe this one again) reads the rows. */
  private forgetLease(reason: string): void {
    this.deps.log.warn({ endpoint: this.endpoint.id, reason }, 'webhook delivery lease lost');
    this.lease?.stopHeartbeat();
    this.lease = null;
    this.lanes.clear();
    this.order = [];
    this.reloadDue = true;
  }

  /** Save what was delivered and give the lease up, so another instance need not wait for it to expire. */
  private async releaseLease(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    try {
      await this.save();
    } catch (error) {
      if (!(error instanceof LeaseLost)) throw error;
    } finally {
      this.lease = null;
      this.lanes.clear();
      this.order = [];
      this.reloadDue = true;
      await lease.release();
    }
  }
}
