/** The job executor: runs a job's steps on hosts (see README.md). */
export { runBatch, type BatchDeps, type BatchHost, type BatchHostResult, type BatchInput } from './batch';
export { DEFAULT_KILL_GRACE_SECONDS, runHost } from './host-run';
export { InMemoryOutputSink, OutputWriter } from './output';
export { REDACTION, StreamRedactor } from './redactor';
export { PARAMETER_ENV_PREFIX, parameterEnvName } from './remote-script';
export { sshConnector } from './ssh-connector';
export { sshStepHost } from './ssh-steps';
export * from './types';
