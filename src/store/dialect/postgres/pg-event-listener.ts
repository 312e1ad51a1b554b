import pg from 'pg';
import type { EventBus } from '../../../events/event-bus.js';
import { AUTH_CHANNEL_PREFIX, EVENT_CHANNEL_PREFIX } from './event-channel.js';
import type { PgAuthGeneration } from './pg-auth-generation.js';

const RECONNECT_MS = 1_000;

export interface PgEventListenerOptions {
  /** Its schema picks the channel. */
  config: pg.ClientConfig;
  bus: EventBus;
  /** After each (re)connection, announces what committed while nobody listened. */
  resync: () => Promise<Map<string, number>>;
  /** Moved by the schema's auth channel, and told whether it is listened to. */
  auth: PgAuthGeneration;
  onError?: (error: Error) => void;
}

/** LISTENs for every instance's event commits and key or workspace changes on this schema; reconnects by itself. */
export function listenForEvents(options: PgEventListenerOptions): () => Promise<void> {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const announce = (payload: string | undefined) => {
    const space = payload?.indexOf(' ') ?? -1;
    if (!payload || space < 0) return;
    const seq = Number(payload.slice(0, space));
    if (Number.isSafeInteger(seq)) options.bus.published(payload.slice(space + 1), seq);
  };

  const connect = async () => {
    if (stopped) return;
    const next = new pg.Client(options.config);
    next.on('error', (error) => {
      options.onError?.(error);
      retry(next);
    });
    next.on('end', () => retry(next));
    next.on('notification', (message) => (message.channel.startsWith(AUTH_CHANNEL_PREFIX) ? options.auth.changed() : announce(message.payload)));
    try {
      await next.connect();
      const { rows } = await next.query<{ schema: string }>('select current_schema() as schema');
      for (const prefix of [EVENT_CHANNEL_PREFIX, AUTH_CHANNEL_PREFIX]) await next.query(`listen "${`${prefix}${rows[0]!.schema}`.replace(/"/g, '""')}"`);
      if (stopped) return void next.end().catch(() => undefined);
      client = next;
      options.auth.setListening(true);
      for (const [workspaceId, seq] of await options.resync()) options.bus.published(workspaceId, seq);
    } catch (error) {
      options.onError?.(error as Error);
      retry(next);
    }
  };

  const retry = (failed: pg.Client) => {
    if (client === failed) {
      client = null;
      options.auth.setListening(false);
    }
    failed.removeAllListeners('end');
    failed.end().catch(() => undefined);
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, RECONNECT_MS);
    timer.unref();
  };

  void connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const last = client;
    client = null;
    options.auth.setListening(false);
    if (last) {
      last.removeAllListeners('end');
      await last.end().catch(() => undefined);
    }
  };
}
