import type { Config } from '../config/config-schema.js';
import type { RetrySchedule } from './retry-schedule.js';

/** From the config's `webhooks` block, in milliseconds. */
export interface WebhookSettings {
  timeoutMs: number;
  retry: RetrySchedule;
  concurrency: number;
  historyMs: number;
  /** For what the event bus cannot announce (CLI writes on SQLite, endpoints changed from the CLI). */
  safetyTickMs: number;
  leaseTtlMs: number;
}

export const SAFETY_TICK_MS = 5_000;

export function webhookSettings(config: Readonly<Config>): WebhookSettings {
  const webhooks = config.webhooks;
  return {
    timeoutMs: webhooks.timeoutSeconds * 1000,
    retry: { initialMs: webhooks.retryInitialSeconds * 1000, maxMs: webhooks.retryMaxSeconds * 1000, windowMs: webhooks.retryWindowHours * 3_600_000 },
    concurrency: webhooks.concurrency,
    historyMs: webhooks.historyDays * 86_400_000,
    safetyTickMs: SAFETY_TICK_MS,
    leaseTtlMs: config.daemon.leaseTtlSeconds * 1000,
  };
}
