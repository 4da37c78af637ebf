import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Clock } from '../core/clock';
import { trustedFingerprint } from '../core/inventory/targets-service';
import { loginsOf } from '../core/inventory/credentials-service';
import type { CredentialStore, TargetStore } from '../core/ports/inventory-store';
import type { JobStore } from '../core/ports/job-store';
import type { CredentialVault } from '../core/ports/vault';
import type { OutputLog } from '../core/ports/output-log';
import type { RunSealer } from '../core/ports/run-sealer';
import type { HostPatch, RunStore } from '../core/ports/run-store';
import type { BatchRequest } from '../core/runs/tasks';
import { stepRunsOn } from '../core/runs/blockers';
import { allHosts, inPlannedOrder } from '../core/runs/tasks';
import { errorHostStatuses, finishedRunStatuses, type HostStatus, type RunHost } from '../core/runs/schema';
import { runBatch, type BatchHostResult } from './executor/batch';
import { parameterEnv } from './executor/remote-script';
import { handshakeGate } from './handshake-gate';
import { outputGathererOf } from './output-gatherer';
import { errorsIn, runCountsOf } from './run-counts';
import type { HostConnector, HostRunOptions, OutputSink, StepSpec } from './executor/types';
import { sshAuthOf } from './ssh/connect-rules';
import { ConnectionError } from './connection-error';
import { connectSshSession } from './ssh/session';
import { connectWinRmStepHost, winrmClientOptionsOf } from './winrm/step-host';

/**
 * RunBatch, the runner's task: claims its batch of a run (once: a second runner for the same batch
 * starts nothing, so no host runs twice) and works the batch's pending hosts with the executor,
 * storing output as it arrives (chunks in the store for the live view, the whole log as an object),
 * writing hosts' results a few at a time and moving the run's counts. A host is written `running`
 * only once it has been connected for a while (most fan-out hosts are done sooner), so most hosts
 * cost the store no write of their own. Every second it looks at the run: a cancel request stops the steps on the hosts, and
 * once the run has more errors than its max errors no further host starts (in any batch). At the
 * run's deadline the hosts still going are stopped and end `timed_out`. When a write of results or
 * of a host's `running` is refused, someone gave the batch up (MarkBatchLost): the runner stops as
 * it does when its heartbeat is refused.
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
  options?:
    | (HostRunOptions & {
        connectTimeoutMs?: number | undefined;
        pollIntervalMs?: number | undefined;
        /** Handshakes at once at first; each that ends lets one more run at once (runner/handshake-gate.ts). */
        firstHandshakes?: number | undefined;
        heartbeatIntervalMs?: number | undefined;
        /** How long a host is connected before it is written `running` (default 1 s). */
        runningMarkMs?: number | undefined;
        /** How long a finished host waits for others before their results are written (default 500 ms). */
        resultGatherMs?: number | undefined;
      })
    | undefined;
}

export interface BatchSummary {
  runId: string;
  batch: number;
  hosts: number;
  counts: Partial<Record<HostStatus, number>>;
}

const HEARTBEAT_MS = 20_000;
const RUNNING_MARK_MS = 1000;
/**
 * A host's result waits this long for others of its batch (or until 25 wait) before they are
 * written together: half a second, as people see results through pages polled about once a second
 * (output, which they watch as it comes, is stored within 250 ms). The run's counts move once the
 * results are written; max errors does not wait (the batch adds the failures it has not written).
 */
const GATHER_RESULTS_MS = 500;
/** Handshakes at once at first: two per core of the runner (a Fargate task has one or two); runner/handshake-gate.ts. */
const DEFAULT_FIRST_HANDSHAKES = 4;

/**
 * Finished hosts, written a few at a time with RunStore.writeResults (a conditional write on the
 * batch, then one BatchWrite for up to 25 hosts) instead of a conditional write each. `add` answers
 * at once, so a host's place in the pool goes to the next host without waiting for the store;
 * `errors()` counts the failed hosts not yet written, for max errors. `written` hears of each
 * group once stored, with the status each host leaves (`from`); `refused`: the batch was given
 * up; `failed`: the store failed. After either nothing more is written, and `close` answers the
 * store's error, if any.
 */
type Finished = { host: RunHost; from: HostStatus };
const resultWriter = (
  runs: RunStore,
  { runId, batch, owner, gatherMs }: { runId: string; batch: number; owner: string; gatherMs: number },
  on: { written: (done: readonly Finished[]) => void; refused: () => void; failed: () => void },
) => {
  let queue: Finished[] = [];
  let unwrittenErrors = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failure: Error | undefined;
  const writes: Promise<void>[] = [];
  const errorsAmong = (done: readonly Finished[]) => done.filter((d) => errorHostStatuses.includes(d.host.status)).length;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const done = queue;
    queue = [];
    if (done.length === 0 || stopped) return;
    writes.push(
      runs
        .writeResults(
          runId,
          batch,
          owner,
          done.map((d) => d.host),
        )
        .then(
          (written) => {
            if (written) on.written(done);
            else if (!stopped) {
              stopped = true;
              on.refused();
            }
          },
          (e: unknown) => {
            if (stopped) return;
            stopped = true;
            failure = e instanceof Error ? e : new Error(String(e));
            on.failed();
          },
        )
        .finally(() => {
          unwrittenErrors -= errorsAmong(done);
        }),
    );
  };
  return {
    add: (host: RunHost, from: HostStatus) => {
      queue.push({ host, from });
      unwrittenErrors += errorsAmong([{ host, from }]);
      if (queue.length >= 25) flush();
      else timer ??= setTimeout(flush, gatherMs);
    },
    errors: () => unwrittenErrors,
    close: async (): Promise<Error | undefined> => {
      flush();
      await Promise.all(writes);
      return failure;
    },
  };
};

export const runRunBatch = async (deps: RunBatchDeps, request: BatchRequest): Promise<BatchSummary> => {
  const summary: BatchSummary = { runId: request.runId, batch: request.batch, hosts: 0, counts: {} };
  const owner = randomUUID();
  // Every host waits for the start-up: what does not depend on each other is read side by side.
  const [run, claim, batchHosts] = await Promise.all([
    deps.runs.get(request.runId),
    deps.runs.claimBatch(request.runId, request.batch, owner),
    allHosts(deps.runs, request.runId, request.batch),
  ]);
  if (!run || finishedRunStatuses.includes(run.status)) return summary;
  // Given up already (MarkBatchLost settled its hosts): nothing is left to do.
  if (claim === 'closed') return summary;
  if (claim === 'taken') throw Object.assign(new Error(`Batch ${String(request.batch)} of run ${run.id} is being worked by another runner.`), { name: 'Runner.BatchTaken' });
  // Started in the run's planned order (the store lists them by target id).
  const named = (h: RunHost) => ({ name: h.targetName, id: h.targetId });
  const hosts = batchHosts.filter((h) => h.status === 'pending').sort((a, b) => inPlannedOrder(named(a), named(b)));
  const [job, secure, batchTargets] = await Promise.all([
    deps.jobs.getVersion(run.projectId, run.jobId, run.jobVersion),
    run.sealedSecureParameters === undefined ? {} : deps.sealer.open(run.id, run.sealedSecureParameters),
    // Read by key, whatever the size of the project.
    deps.targets.getMany(run.projectId, hosts.map((h) => h.targetId)),
  ]);
  if (!job) throw Object.assign(new Error(`Version ${run.jobVersion} of job ${run.jobId} does not exist.`), { name: 'Run.JobMissing' });
  const parameters = { ...run.parameters, ...secure };
  const steps: StepSpec[] = job.steps.map((s) => ({
    id: s.id ?? 'step',
    kind: s.kind,
    ...(s.kind === 'script' ? { interpreter: s.interpreter } : {}),
    content: s.content,
    timeoutSeconds: s.timeoutSeconds,
    retries: s.retries,
    continueOnError: s.continueOnError,
  }));
  const targets = new Map(batchTargets.map((t) => [t.id, t]));
  const maxErrors = run.maxErrors ?? 0;

  const abort = new AbortController();
  // Every host of the batch listens to it.
  setMaxListeners(0, abort.signal);
  let stopReason: 'cancel' | 'deadline' | 'abandoned' | 'store' | undefined;
  let errors = errorsIn(run.counts);
  const reasons = {
    cancel: 'The run was cancelled.',
    deadline: 'The run reached its timeout.',
    abandoned: 'The state machine no longer waits for this batch.',
    store: 'Results could not be stored.',
  };
  const stop = (why: keyof typeof reasons) => {
    stopReason ??= why;
    abort.abort(new Error(reasons[why]));
  };
  if (run.cancelRequested) stop('cancel');
  const untilDeadline = Date.parse(request.deadline) - deps.clock.now().getTime();
  if (untilDeadline <= 0) stop('deadline');
  const deadlineTimer = setTimeout(() => {
    stop('deadline');
  }, Math.max(0, untilDeadline));
  const poll = setInterval(() => {
    void deps.runs.watchBatch(run.id, request.batch).then(
      ({ run: now, claim }) => {
        if (now?.cancelRequested) stop('cancel');
        if (now) errors = Math.max(errors, errorsIn(now.counts));
        // Given up by MarkBatchLost while this runner still works it (a heartbeat lost on the way).
        if (claim?.closed) stop('abandoned');
      },
      () => undefined,
    );
  }, deps.options?.pollIntervalMs ?? 1000);
  // A refused heartbeat means the state machine gave up on this batch (its hosts are being marked
  // lost): stop the steps on the hosts rather than let them run unobserved.
  const beat =
    deps.heartbeat === undefined
      ? undefined
      : setInterval(() => {
          void deps.heartbeat?.().catch(() => {
            stop('abandoned');
          });
        }, deps.options?.heartbeatIntervalMs ?? HEARTBEAT_MS);

  const counts = runCountsOf(deps.runs, run.id, errors);
  const handshakes = handshakeGate(deps.options?.firstHandshakes ?? DEFAULT_FIRST_HANDSHAKES);
  // Hosts share credentials: each is read (and its material opened) once per batch.
  const loginOf = loginsOf(deps, run.projectId);
  // A mixed fleet: each host runs the job's steps for its kind, in job order (core/runs/blockers.ts).
  const stepsFor = (targetId: string): readonly StepSpec[] => {
    const target = targets.get(targetId);
    return target === undefined ? steps : steps.filter((s) => stepRunsOn(target.protocol, s));
  };
  const connectorOf = (targetId: string): HostConnector => async (signal) => {
    const target = targets.get(targetId);
    if (!target) throw new ConnectionError('DNS', 'The target was deleted during the run.');
    const login = target.credentialId === undefined ? undefined : await loginOf(target.credentialId);
    if (!login) throw new ConnectionError('AUTH_FAILED', 'The target has no usable credential.');
    const username = target.username ?? login.credential.username;
    const timeoutMs = deps.options?.connectTimeoutMs ?? 15_000;
    // A few handshakes at once at first, so the first hosts' output comes early; more as they end.
    if (target.protocol === 'winrm') {
      const { winrm } = target;
      if (winrm === undefined || login.material.kind !== 'winrm-password') throw new ConnectionError('AUTH_FAILED', 'A WinRM target needs its WinRM options and a winrm-password credential.');
      const options = winrmClientOptionsOf({ address: target.address, port: target.port, winrm, username, domain: login.credential.domain, password: login.material.password }, timeoutMs);
      return handshakes.run(() => connectWinRmStepHost(options, parameterEnv(parameters), signal));
    }
    return handshakes.run(() =>
      connectSshSession({
        host: target.address,
        port: target.port,
        username,
        auth: sshAuthOf(login.material),
        hostKey: { expectedFingerprint: trustedFingerprint(target) },
        timeoutMs,
        signal,
      }),
    );
  };
  const stored = outputGathererOf(deps.runs).forBatch(run.id);
  const results = resultWriter(deps.runs, { runId: run.id, batch: request.batch, owner, gatherMs: deps.options?.resultGatherMs ?? GATHER_RESULTS_MS }, {
    written: (done) => {
      for (const { host, from } of done) {
        counts.add({ [from]: -1, [host.status]: 1 });
        summary.counts[host.status] = (summary.counts[host.status] ?? 0) + 1;
      }
      summary.hosts += done.length;
    },
    refused: () => {
      stop('abandoned');
    },
    failed: () => {
      stop('store');
    },
  });
  const planned = new Map(hosts.map((h) => [h.targetId, h]));
  const outputOf = new Map<string, { lastSeq: number; outputBytes: number }>();
  const sinkOf = (targetId: string): OutputSink => ({
    write: async (chunks) => {
      await stored.write(chunks.map((c) => ({ ...c, targetId })));
      await deps.outputLog.append(run.id, targetId, Buffer.concat(chunks.map((c) => c.data)));
      const before = outputOf.get(targetId) ?? { lastSeq: 0, outputBytes: 0 };
      outputOf.set(targetId, { lastSeq: chunks.at(-1)?.seq ?? before.lastSeq, outputBytes: before.outputBytes + chunks.reduce((n, c) => n + c.data.length, 0) });
    },
  });
  const statusOf = (r: BatchHostResult): HostStatus => (stopReason === 'deadline' && r.status === 'cancelled' ? 'timed_out' : r.status);

  // Hosts still running runningMarkMs after connecting are written `running`; `marks` ends with the write.
  const marks = new Map<string, { timer: NodeJS.Timeout; written?: Promise<boolean> }>();
  const markRunning = (targetId: string, startedAt: string) => {
    const mark: { timer: NodeJS.Timeout; written?: Promise<boolean> } = {
      timer: setTimeout(() => {
        mark.written = deps.runs.updateHost(run.id, targetId, ['pending'], { status: 'running', startedAt }).then(
          (written) => {
            if (!written) {
              stop('abandoned');
              return false;
            }
            counts.add({ pending: -1, running: 1 });
            return true;
          },
          () => false,
        );
      }, deps.options?.runningMarkMs ?? RUNNING_MARK_MS),
    };
    marks.set(targetId, mark);
  };
  /** Whether the host was written `running` (its timer stopped; a write under way is waited for). */
  const wasMarked = async (targetId: string): Promise<boolean> => {
    const mark = marks.get(targetId);
    if (!mark) return false;
    clearTimeout(mark.timer);
    marks.delete(targetId);
    return (await mark.written) ?? false;
  };

  let storeError: Error | undefined;
  try {
    await runBatch(
      { output: sinkOf, clock: deps.clock },
      {
        hosts: hosts.map((h) => ({
          targetId: h.targetId,
          // Running from here on: a host waiting for its handshake is still pending.
          connect: async (signal: AbortSignal) => {
            const connected = await connectorOf(h.targetId)(signal);
            markRunning(h.targetId, deps.clock.now().toISOString());
            return connected;
          },
          steps: stepsFor(h.targetId),
        })),
        concurrency: Math.max(1, request.concurrency),
        // Max errors is the run's, counted across batches in `admit`.
        maxErrors: Number.MAX_SAFE_INTEGER,
        steps,
        parameters,
        secureValues: Object.values(secure),
        signal: abort.signal,
        options: deps.options,
        admit: () => {
          if (abort.signal.aborted) return Promise.resolve(stopReason === 'deadline' ? 'skip' : 'cancel');
          if (Math.max(errors, counts.errors() + results.errors()) > maxErrors) return Promise.resolve('skip');
          return Promise.resolve('start');
        },
        onResult: async (r) => {
          const status = statusOf(r);
          const last = r.steps.filter((s) => s.exitCode !== undefined).at(-1);
          const patch: HostPatch = {
            status,
            steps: r.steps,
            finishedAt: r.finishedAt,
            ...outputOf.get(r.targetId),
            ...(last?.exitCode === undefined ? {} : { exitCode: last.exitCode }),
            ...(r.started && r.errorCategory !== undefined ? { errorCategory: r.errorCategory } : {}),
            ...(r.started && r.errorMessage !== undefined ? { errorMessage: r.errorMessage } : {}),
            ...(!r.started && stopReason === 'deadline' ? { errorMessage: 'Not started: the run reached its timeout.' } : {}),
            ...(!r.started && r.status === 'skipped' && stopReason === undefined ? { errorMessage: 'Not started: the run had more failed hosts than its max errors.' } : {}),
          };
          // Counted as running only once written so; either way the host's item may say `running`
          // (a mark whose answer was lost), and nobody but this batch's runner writes it.
          const from: HostStatus = (await wasMarked(r.targetId)) ? 'running' : 'pending';
          if (r.started) await deps.outputLog.finish(run.id, r.targetId);
          const host = planned.get(r.targetId);
          if (host === undefined) throw new Error(`Target ${r.targetId} is not a host of batch ${String(request.batch)}.`);
          results.add({ ...host, ...patch, ...(r.started ? { startedAt: r.startedAt } : {}) }, from);
        },
      },
    );
  } finally {
    // What was gathered is written even when the batch broke off; the store's own error is thrown
    // below, unless another error is already on its way.
    storeError = await results.close();
    for (const mark of marks.values()) clearTimeout(mark.timer);
    await Promise.all([...marks.values()].flatMap((m) => (m.written ? [m.written] : [])));
    await counts.close();
    clearTimeout(deadlineTimer);
    clearInterval(poll);
    if (beat) clearInterval(beat);
  }
  if (storeError !== undefined) throw storeError;
  return summary;
};
