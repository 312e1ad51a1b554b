/** Workers running pull schedules keep V8's defaults: cycles churn far more memory than requests. */
export function workerExecArgv(primaryArgv: readonly string[], workerV8Flags: readonly string[], runsSchedules: boolean): string[] {
  return runsSchedules ? [...primaryArgv] : [...primaryArgv, ...workerV8Flags];
}
