/**
 * The command-line flags of a cluster's HTTP worker: the primary's own, plus `server.workerV8Flags` for a worker
 * that only serves requests. A worker that runs pull schedules keeps V8's defaults: a pull cycle turns over far
 * more memory than a request, and a 2 MB young generation or a single GC thread would slow it down.
 */
export function workerExecArgv(primaryArgv: readonly string[], workerV8Flags: readonly string[], runsSchedules: boolean): string[] {
  return runsSchedules ? [...primaryArgv] : [...primaryArgv, ...workerV8Flags];
}
