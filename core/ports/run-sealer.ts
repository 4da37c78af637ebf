/**
 * Secure parameter values travel from the API to the runner sealed: the run item holds only the
 * sealed form, bound to the run id, so neither the store, the state machine's input nor an event
 * ever carries the value. KMS (envelope encryption) on AWS, AES-256-GCM with a data-folder key locally.
 */
export interface RunSealer {
  seal(runId: string, values: Readonly<Record<string, string>>): Promise<string>;
  /** Throws when `sealed` was not sealed for this run. */
  open(runId: string, sealed: string): Promise<Record<string, string>>;
}
