import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/** The longest a long piece of work runs before it lets the event loop serve other requests. */
const SLICE_MS = 5;

/** When the current slice began: the last time long work gave the event loop a turn, or began right after one. */
let sliceStart = performance.now();

/** Long work that has just been given a fresh turn of the event loop says so. */
export function startSlice(): void {
  sliceStart = performance.now();
}

/**
 * Give the event loop a turn if the current slice is spent. Called between the steps of long work (the statements
 * of a write transaction, the resources of a page), it keeps every other request from waiting for that work in one
 * piece: better-sqlite3 answers synchronously, so a write of thousands of rows would otherwise hold the process
 * until it committed.
 */
export async function yieldIfDue(): Promise<void> {
  if (performance.now() - sliceStart <= SLICE_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  sliceStart = performance.now();
}

/**
 * `yieldIfDue` after every statement of the queries it is plugged into: GroupCommit plugs it into SQLite write
 * transactions, which keep the connection meanwhile. Lookups read through their own connection (sync-reader.ts),
 * and other writes wait their turn.
 */
export class EventLoopSlices implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    await yieldIfDue();
    return args.result;
  }
}
