/**
 * Starts the job-run state machine for a run, with the run id as the execution name: Step
 * Functions on AWS, the same ASL file on the local engine. Starting a run that already has an
 * execution does nothing, so a replayed request can safely start it again.
 */
export interface RunLauncher {
  start(run: { runId: string; projectId: string }): Promise<void>;
}
