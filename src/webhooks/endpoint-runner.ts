import { Webhook } from 'standardwebhooks';
import { holdLease, type HeldLease } from '../daemon/lease.js';
import type { Logger } from '../log/create-logger.js';
import { timeOrderedId } from '../model/time-ordered-id.js';
import type { Store } from '../store/store.js';
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

export function webhookLeaseName(endpointId: string): string {
  return `webhook:${endpointId}`;
}

export type DeliveryOutcome = 'delivered' | 'failed';

export interface RunnerDeps {
  store: Store;
  log: Logger;
  settings: WebhookSettings;
  slots: DeliverySlots;
  holder: string;
  clock: () => number;
  random: () => number;
  observe?: (outcome: DeliveryOutcome) => void;
  knownSeqs: ReadonlyMap<string, number>;
  signal: AbortSignal;
}

const READ_AHEAD = 500;
/** Save progress at this many unsaved attempts, or … */
const SAVE_BATCH = 200;
/** … this long after the last save, and always before sleeping and after a failure. */
const SAVE_INTERVAL_MS = 250;
const ERROR_PAUSE_MS = 1_000;

class LeaseLost extends Error {}

/**
 * Delivers one endpoint's events under its lease: per workspace in seq order, the next only after a 2xx, workspaces in
 * turn. Failures retry with backoff until the retry window closes, then the endpoint is marked failing. Progress is
 * saved in batches, so after a crash an event may arrive twice (receivers dedupe by `webhook-id`), never out of order.
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

  /** Cursors are re-read too. */
  update(endpoint: WebhookEndpointWithSecret): void {
    if (endpoint.secret !== this.endpoint.secret) this.signer = new Webhook(endpoint.secret);
    this.endpoint = endpoint;
    this.reloadDue = true;
    this.wakeup.wake();
  }

  announce(workspaceId: string, seq: number): void {
    if (this.endpoint.workspaceId !== null && this.endpoint.workspaceId !== workspaceId) return;
    const lane = this.lanes.get(workspaceId);
    if (lane) lane.knownSeq = Math.max(lane.knownSeq, seq);
    else this.reloadDue = true;
    this.wakeup.wake();
  }

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

  /** A cursor with a new revision (replayed or enabled) starts over from its row. */
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
    // An every-workspace endpoint lacks cursors for newer workspaces: all their events are new.
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
      // Off the main connection, which a SQLite write transaction holds across turns: deliveries never queue behind writes.
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
    // Stopped or lease lost mid-request: not an attempt; the next deliverer resends it.
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

  /** Confirms the lease first, so an instance that lost it saves nothing; a cursor changed from the CLI is re-read. */
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
        // Replayed, enabled or removed meanwhile: the row wins.
        this.lanes.delete(lane.workspaceId);
        this.reloadDue = true;
      }
    });
    if (this.reloadDue) this.order = [...this.lanes.values()];
  }

  /** Memory may be stale; the next holder reads the rows. */
  private forgetLease(reason: string): void {
    this.deps.log.warn({ endpoint: this.endpoint.id, reason }, 'webhook delivery lease lost');
    this.lease?.stopHeartbeat();
    this.lease = null;
    this.lanes.clear();
    this.order = [];
    this.reloadDue = true;
  }

  /** So another instance need not wait for it to expire. */
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
