import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/** Longest stretch of long work between event-loop turns. */
const SLICE_MS = 5;

let sliceStart = performance.now();

/** Long work that just got a fresh turn says so. */
export function startSlice(): void {
  sliceStart = performance.now();
}

/**
 * Call between steps of long work: better-sqlite3 is synchronous, so a large write would hold the process until commit.
 */
export async function yieldIfDue(): Promise<void> {
  if (performance.now() - sliceStart <= SLICE_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  sliceStart = performance.now();
}

/** `yieldIfDue` after each statement of a SQLite write transaction (GroupCommit). */
export class EventLoopSlices implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    await yieldIfDue();
    return args.result;
  }
}
