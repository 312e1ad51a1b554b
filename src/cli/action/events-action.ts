import { RosterdError } from '../../error/rosterd-error.js';
import type { RosterdEvent } from '../../events/event.js';
import { summarizeEvent } from '../../events/event-summary.js';
import type { Store } from '../../store/store.js';
import { firstRetainedSeq, lastEventSeq, readEvents } from '../../store/event-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { print, renderTable } from '../view/table.js';

export interface EventsOptions {
  after?: number;
  limit: number;
  follow: boolean;
  json: boolean;
}

/** Events read per query while following. */
const PAGE = 1_000;
/**
 * While following, how long to wait for a wake-up before reading the log anyway: on PostgreSQL the listener
 * wakes it at each commit; a SQLite database written by another process (the daemon) has no one to tell it.
 */
const RECHECK_MS = 1_000;

const HEADERS = ['SEQ', 'AT', 'TYPE', 'SOURCE', 'SUBJECT', 'CHANGE'];

function rowOf(event: RosterdEvent): string[] {
  const { subject, detail } = summarizeEvent(event);
  return [String(event.seq), event.occurredAt, event.type, event.source, subject, detail];
}

function printEvents(events: readonly RosterdEvent[], json: boolean, header: boolean): void {
  if (events.length === 0) return;
  if (json) {
    print(events.map((event) => JSON.stringify(event)).join('\n'));
    return;
  }
  const table = renderTable(HEADERS, events.map(rowOf));
  print(header ? table : table.slice(table.indexOf('\n') + 1));
}

/** Where to start: after `--after`, or so that the last `limit` events show; refused when retention pruned past it. */
async function startAfter(store: Store, workspaceId: string, options: EventsOptions): Promise<number> {
  const last = (await lastEventSeq(store.db, workspaceId)) ?? 0;
  if (options.after === undefined) return Math.max(0, last - options.limit);
  const first = await firstRetainedSeq(store.db, workspaceId);
  if (first !== undefined && options.after + 1 < first) {
    throw new RosterdError('ROSTERD_E_NOT_FOUND', `events up to ${first - 1} of workspace "${workspaceId}" were pruned (events.retentionDays); start at --after ${first - 1} or later`);
  }
  return options.after;
}

export async function eventsAction(globals: GlobalOptions, workspaceId: string, options: EventsOptions): Promise<void> {
  await withStore(globals, async ({ store }) => {
    await requireWorkspace(store.db, workspaceId);
    let after = await startAfter(store, workspaceId, options);
    if (!options.follow) {
      const events = await readEvents(store.db, workspaceId, after, options.limit);
      if (events.length === 0 && !options.json) print('no events');
      printEvents(events, options.json, true);
      return;
    }
    const stopListening = store.listenForEvents?.();
    const interrupted = new AbortController();
    const onSignal = () => interrupted.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      let header = true;
      while (!interrupted.signal.aborted) {
        const events = await readEvents(store.db, workspaceId, after, PAGE);
        printEvents(events, options.json, header);
        if (events.length > 0) {
          header = false;
          after = events[events.length - 1]!.seq;
        }
        if (events.length < PAGE) await store.events.waitFor(workspaceId, after, RECHECK_MS, interrupted.signal);
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await stopListening?.();
    }
  });
}
