import type { Config } from '../config/config-schema.js';
import type { RetrySchedule } from './retry-schedule.js';

/** How the dispatcher delivers, in milliseconds: from the config's `webhooks` block, or a test's own. */
export interface WebhookSettings {
  /** One attempt, answer included. */
  timeoutMs: number;
  retry: RetrySchedule;
  /** Delivery requests in flight at once, across endpoints. */
  concurrency: number;
  /** Delivery history older than this is pruned. */
  historyMs: number;
  /**
   * How often the dispatcher re-reads endpoints, cursors and workspaces' last sequences: for what the event bus
   * does not announce (a CLI command's writes on SQLite, endpoints added or enabled from the CLI).
   */
  safetyTickMs: number;
  /** Each endpoint's delivery lease (`daemon.leaseTtlSeconds`). */
  leaseTtlMs: number;
}

/** See WebhookSettings.safetyTickMs. */
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
