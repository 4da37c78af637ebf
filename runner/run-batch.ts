import type { Clock } from '../core/clock';
import { trustedFingerprint } from '../core/inventory/targets-service';
import type { CredentialStore, TargetStore } from '../core/ports/inventory-store';
import type { JobStore } from '../core/ports/job-store';
import type { CredentialVault } from '../core/ports/vault';
import type { OutputLog } from '../core/ports/output-log';
import type { RunSealer } from '../core/ports/run-sealer';
import type { HostPatch, RunStore } from '../core/ports/run-store';
import type { BatchRequest } from '../core/runs/tasks';
import { allHosts } from '../core/runs/tasks';
import { errorHostStatuses, finishedRunStatuses, type HostStatus, type RunCounts } from '../core/runs/schema';
import { runBatch, type BatchHostResult } from './executor/batch';
import type { HostConnector, HostRunOptions, OutputSink, StepSpec } from './executor/types';
import { sshAuthOf } from './ssh/connect-rules';
import { ConnectionError } from './ssh/connection-error';
import { connectSshSession } from './ssh/session';

/**
 * RunBatch, the runner's task: works the pending hosts of one batch of a run with the executor,
 * claiming each host in the store before starting it (so a retried task never runs a host twice),
 * storing output as it arrives (chunks in the store for the live view, the whole log as an object),
 * writing each host's result and moving the run's counts. Every second it looks at the run: a
 * cancel request stops the steps on the hosts, and once the run has more errors than its max errors
 * no further host starts (in any batch). At the run's deadline the hosts still going are stopped
 * and end `timed_out`.
 */
export interface RunBatchDeps {
  runs: RunStore;
  jobs: JobStore;
  targets: TargetStore;
  credentials: CredentialStore;
  vault: Pick<CredentialVault, 'get'>;
  sealer: RunSealer;
  outputLog: OutputLog;
  clock: Clock;
  /** Called every few seconds while the batch runs (Step Functions task heartbeat on AWS). */
  heartbeat?: (() => Promise<void>) | undefined;
  options?: (HostRunOptions & { connectTimeoutMs?: number | undefined; pollIntervalMs?: number | undefined }) | undefined;
}

export interface BatchSummary {
  runId: string;
  batch: number;
  hosts: number;
  counts: Partial<Record<HostStatus, number>>;
}

const HEARTBEAT_MS = 20_000;

const errorsIn = (counts: RunCounts): number => errorHostStatuses.reduce((sum, s) => sum + counts[s], 0);

export const runRunBatch = async (deps: RunBatchDeps, request: BatchRequest): Promise<BatchSummary> => {
  const summary: BatchSummary = { runId: request.runId, batch: request.batch, hosts: 0, counts: {} };
  const run = await deps.runs.get(request.runId);
  if (!run || finishedRunStatuses.includes(run.status)) return summary;
  const job = await deps.jobs.getVersion(run.projectId, run.jobId, run.jobVersion);
  if (!job) throw Object.assign(new Error(`Version ${run.jobVersion} of job ${run.jobId} does not exist.`), { name: 'Run.JobMissing' });
  const secure = run.sealedSecureParameters === undefined ? {} : await deps.sealer.open(run.id, run.sealedSecureParameters);
  const parameters = { ...run.parameters, ...secure };
  const steps: StepSpec[] = job.steps.map((s) => ({
    id: s.id ?? 'step',
    kind: s.kind === 'script' ? 'script' : 'command',
    ...(s.kind === 'script' ? { interpreter: s.interpreter } : {}),
    content: s.content,
    timeoutSeconds: s.timeoutSeconds,
    retries: s.retries,
    continueOnError: s.continueOnError,
  }));
  const hosts = (await allHosts(deps.runs, run.id, request.batch)).filter((h) => h.status === 'pending');
  const maxErrors = run.maxErrors ?? 0;

  const abort = new AbortController();
  let stopReason: 'cancel' | 'deadline' | undefined;
  let errors = errorsIn(run.counts);
  const stop = (why: 'cancel' | 'deadline') => {
    stopReason ??= why;
    abort.abort(new Error(why === 'cancel' ? 'The run was cancelled.' : 'The run reached its timeout.'));
  };
  if (run.cancelRequested) stop('cancel');
  const untilDeadline = Date.parse(request.deadline) - deps.clock.now().getTime();
  if (untilDeadline <= 0) stop('deadline');
  const deadlineTimer = setTimeout(() => {
    stop('deadline');
  }, Math.max(0, untilDeadline));
  const poll = setInterval(() => {
    void deps.runs.get(run.id).then(
      (now) => {
        if (now?.cancelRequested) stop('cancel');
        if (now) errors = Math.max(errors, errorsIn(now.counts));
      },
      () => undefined,
    );
  }, deps.options?.pollIntervalMs ?? 1000);
  const beat = deps.heartbeat === undefined ? undefined : setInterval(() => void deps.heartbeat?.().catch(() => undefined), HEARTBEAT_MS);

  const count = async (delta: Partial<RunCounts>) => {
    errors = Math.max(errors, errorsIn(await deps.runs.addCounts(run.id, delta)));
  };
  const connectorOf = (targetId: string): HostConnector => async (signal) => {
    const target = await deps.targets.get(run.projectId, targetId);
    if (!target) throw new ConnectionError('DNS', 'The target was deleted during the run.');
    const credential = target.credentialId === undefined ? undefined : await deps.credentials.get(run.projectId, target.credentialId);
    if (!credential) throw new ConnectionError('AUTH_FAILED', 'The target has no usable credential.');
    const material = await deps.vault.get({ projectId: run.projectId, credentialId: credential.id }, credential.secretVersion);
    return connectSshSession({
      host: target.address,
      port: target.port,
      username: target.username ?? credential.username,
      auth: sshAuthOf(material),
      hostKey: { expectedFingerprint: trustedFingerprint(target) },
      timeoutMs: deps.options?.connectTimeoutMs ?? 15_000,
      signal,
    });
  };
  const sinkOf = (targetId: string): OutputSink => ({
    write: async (chunks) => {
      await deps.runs.appendOutput(run.id, targetId, chunks);
      await deps.outputLog.append(run.id, targetId, Buffer.concat(chunks.map((c) => c.data)));
    },
  });
  const statusOf = (r: BatchHostResult): HostStatus => (stopReason === 'deadline' && r.status === 'cancelled' ? 'timed_out' : r.status);

  try {
    await runBatch(
      { output: sinkOf, clock: deps.clock },
      {
        hosts: hosts.map((h) => ({ targetId: h.targetId, connect: connectorOf(h.targetId) })),
        concurrency: Math.max(1, request.concurrency),
        // Max errors is the run's, counted across batches in `admit`.
        maxErrors: Number.MAX_SAFE_INTEGER,
        steps,
        parameters,
        secureValues: Object.values(secure),
        signal: abort.signal,
        options: deps.options,
        admit: async (targetId) => {
          if (abort.signal.aborted) return stopReason === 'deadline' ? 'skip' : 'cancel';
          if (errors > maxErrors) return 'skip';
          const claimed = await deps.runs.updateHost(run.id, targetId, ['pending'], { status: 'running', startedAt: deps.clock.now().toISOString() });
          if (!claimed) return 'drop';
          await count({ pending: -1, running: 1 });
          return 'start';
        },
        onResult: async (r) => {
          const status = statusOf(r);
          const last = r.steps.filter((s) => s.exitCode !== undefined).at(-1);
          const patch: HostPatch = {
            status,
            steps: r.steps,
            finishedAt: r.finishedAt,
            ...(last?.exitCode === undefined ? {} : { exitCode: last.exitCode }),
            ...(r.started && r.errorCategory !== undefined ? { errorCategory: r.errorCategory } : {}),
            ...(r.started && r.errorMessage !== undefined ? { errorMessage: r.errorMessage } : {}),
            ...(!r.started && stopReason === 'deadline' ? { errorMessage: 'Not started: the run reached its timeout.' } : {}),
            ...(!r.started && r.status === 'skipped' && stopReason === undefined ? { errorMessage: 'Not started: the run had more failed hosts than its max errors.' } : {}),
          };
          const from: HostStatus = r.started ? 'running' : 'pending';
          if (r.started) await deps.outputLog.finish(run.id, r.targetId);
          const written = await deps.runs.updateHost(run.id, r.targetId, [from], patch);
          if (!written) return;
          await count({ [from]: -1, [status]: 1 });
          summary.hosts += 1;
          summary.counts[status] = (summary.counts[status] ?? 0) + 1;
        },
      },
    );
  } finally {
    clearTimeout(deadlineTimer);
    clearInterval(poll);
    if (beat) clearInterval(beat);
  }
  return summary;
};
