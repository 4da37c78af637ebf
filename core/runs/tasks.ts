import type { Clock } from '../clock';
import { RunCompleted, RunStarted } from '../events/catalog';
import { selectTargets } from '../inventory/targets-service';
import { parseSelector } from '../inventory/selector';
import type { Target } from '../inventory/target-schema';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { CredentialStore, TargetStore } from '../ports/inventory-store';
import type { JobStore } from '../ports/job-store';
import type { RunStore } from '../ports/run-store';
import { cutBatches, resolveCount } from './batches';
import { blockerOf } from './blockers';
import { emptyCounts, finishedRunStatuses, type HostStatus, type Run, type RunCounts, type RunHost, type RunStatus } from './schema';

/**
 * The job-run state machine's own tasks (state-machines/job-run.asl.json): Plan, Finalize,
 * MarkBatchLost and MarkFailed. RunBatch is the runner's (runner/run-batch.ts). Each task may be
 * retried by the state machine, so each is safe to run twice.
 */
export interface RunTaskDeps {
  runs: RunStore;
  jobs: JobStore;
  targets: TargetStore;
  credentials: CredentialStore;
  bus: EventBus;
  clock: Clock;
  logger: TaskLogger;
}

/** Powertools' Logger fits; tests pass a recorder. */
export interface TaskLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}

/** One Map item: what a runner task is given. */
export interface BatchRequest {
  runId: string;
  batch: number;
  concurrency: number;
  /** The run's deadline (ISO): hosts still going then are stopped and end `timed_out`. */
  deadline: string;
}

export interface PlanOutput {
  hostCount: number;
  mapConcurrency: number;
  batches: BatchRequest[];
}

const SYSTEM = { type: 'system' as const, id: 'job-run' };
const refOf = (run: Run) => ({ id: run.id, jobId: run.jobId, jobName: run.jobName, jobVersion: run.jobVersion });
const nothing: PlanOutput = { hostCount: 0, mapConcurrency: 1, batches: [] };

const deadlineOf = (run: Run, startedAt: string) => new Date(Date.parse(startedAt) + run.runTimeoutSeconds * 1000).toISOString();

const mustGet = async (runs: RunStore, runId: string): Promise<Run> => {
  const run = await runs.get(runId);
  if (!run) throw Object.assign(new Error(`Run ${runId} does not exist.`), { name: 'Run.Missing' });
  return run;
};

/** Every host of a run (or of one batch), through all pages. */
export const allHosts = async (runs: RunStore, runId: string, batch?: number): Promise<RunHost[]> => {
  const hosts: RunHost[] = [];
  let cursor: string | undefined;
  do {
    const page = await runs.listHosts(runId, { limit: 1000, cursor, batch });
    hosts.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return hosts;
};

/**
 * The order a run's hosts are planned and started in: by name, as an inventory lists them (then by
 * id, for names that differ only in case). Plan cuts batches in this order and each runner starts
 * its batch's hosts in it, so the first hosts named are the first to show output.
 */
export const inPlannedOrder = (a: { name: string; id: string }, b: { name: string; id: string }): number => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

const resolveTargets = async (deps: RunTaskDeps, run: Run): Promise<Target[]> => {
  const byId = new Map<string, Target>();
  if (run.targets.selector !== undefined) {
    for (const t of await selectTargets(deps, run.projectId, { selector: parseSelector(run.targets.selector) })) byId.set(t.id, t);
  }
  // A target deleted since the run was asked for is simply not part of it.
  for (const t of await deps.targets.getMany(run.projectId, (run.targets.targetIds ?? []).filter((id) => !byId.has(id)))) byId.set(t.id, t);
  return [...byId.values()].filter((t) => t.enabled).sort(inPlannedOrder);
};

const batchRequests = (run: Run, hosts: readonly RunHost[], concurrency: number, startedAt: string): PlanOutput => {
  const pendingByBatch = new Map<number, number>();
  for (const h of hosts) if (h.status === 'pending') pendingByBatch.set(h.batch, (pendingByBatch.get(h.batch) ?? 0) + 1);
  const batches = [...pendingByBatch.keys()].sort((a, b) => a - b);
  const hostCount = [...pendingByBatch.values()].reduce((a, b) => a + b, 0);
  if (hostCount === 0) return nothing;
  const cut = cutBatches(hostCount, concurrency);
  const share = Math.max(1, Math.floor(Math.max(1, concurrency) / Math.min(batches.length, Math.max(1, concurrency))));
  return {
    hostCount,
    mapConcurrency: Math.min(batches.length, Math.max(1, cut.mapConcurrency)),
    batches: batches.map((batch) => ({ runId: run.id, batch, concurrency: Math.min(share, pendingByBatch.get(batch) ?? 1), deadline: deadlineOf(run, startedAt) })),
  };
};

/** Plan: the hosts the run covers, written `pending` (or `failed` when they cannot run), cut into batches. */
export const planRun = async (deps: RunTaskDeps, input: { runId: string }): Promise<PlanOutput> => {
  const run = await mustGet(deps.runs, input.runId);
  if (run.status === 'running' && run.startedAt !== undefined) {
    // Planned before (the task is being retried): carry on with what was written.
    return batchRequests(run, await allHosts(deps.runs, run.id), run.concurrency ?? 1, run.startedAt);
  }
  if (run.status !== 'queued' || run.cancelRequested) return nothing;

  // The run's first output waits for Plan: what does not depend on each other is read side by side.
  const [job, targets] = await Promise.all([deps.jobs.getVersion(run.projectId, run.jobId, run.jobVersion), resolveTargets(deps, run)]);
  if (!job) throw Object.assign(new Error(`Version ${run.jobVersion} of job ${run.jobId} does not exist.`), { name: 'Run.JobMissing' });
  const total = targets.length;
  const concurrency = Math.max(1, resolveCount(job.concurrency, total, 'up'));
  const maxErrors = resolveCount(job.maxErrors, total, 'down');
  const now = deps.clock.now().toISOString();

  const runnable: Target[] = [];
  const blocked: RunHost[] = [];
  const credentialIds = [...new Set(targets.flatMap((t) => (t.credentialId === undefined ? [] : [t.credentialId])))];
  const existing = new Map((await Promise.all(credentialIds.map((id) => deps.credentials.get(run.projectId, id)))).flatMap((c) => (c ? [[c.id, c.kind] as const] : [])));
  for (const t of targets) {
    const blocker = blockerOf(t, job.steps, existing);
    if (blocker) blocked.push({ runId: run.id, targetId: t.id, targetName: t.name, address: t.address, batch: 0, status: 'failed', steps: [], lastSeq: 0, outputBytes: 0, ...blocker, finishedAt: now });
    else runnable.push(t);
  }
  const cut = cutBatches(runnable.length, concurrency);
  const hosts: RunHost[] = [...blocked];
  let next = 0;
  cut.sizes.forEach((size, batch) => {
    for (const t of runnable.slice(next, next + size)) {
      hosts.push({ runId: run.id, targetId: t.id, targetName: t.name, address: t.address, batch, status: 'pending', steps: [], lastSeq: 0, outputBytes: 0 });
    }
    next += size;
  });
  await deps.runs.putHosts(hosts);

  const started = await deps.runs.transition(run.id, ['queued'], { status: 'running', startedAt: now, concurrency, maxErrors });
  if (!started) {
    // Cancelled or planned by a concurrent attempt meanwhile.
    const current = await mustGet(deps.runs, run.id);
    if (current.status === 'running' && current.startedAt !== undefined) return batchRequests(current, await allHosts(deps.runs, run.id), current.concurrency ?? 1, current.startedAt);
    return nothing;
  }
  await deps.runs.addCounts(run.id, { total, pending: runnable.length, failed: blocked.length });
  await deps.bus.publish([eventOf(RunStarted, { projectId: run.projectId, actor: SYSTEM, run: refOf(run), hosts: total })]);
  deps.logger.info('run planned', { runId: run.id, hosts: total, blocked: blocked.length, batches: cut.sizes.length, concurrency, maxErrors });
  if (cut.sizes.length === 0) return nothing;
  return {
    hostCount: runnable.length,
    mapConcurrency: cut.mapConcurrency,
    batches: cut.sizes.map((_, batch) => ({ runId: run.id, batch, concurrency: cut.concurrency[batch] ?? 1, deadline: deadlineOf(run, now) })),
  };
};

/**
 * Moves unfinished hosts to `status`. Answers how many moved, the count changes that makes (for a
 * run that goes on; a finished run is counted from its hosts), and the hosts as they now are;
 * `exact` is false when a host had moved on meanwhile (its status is then not known here).
 */
const settleHosts = async (
  deps: Pick<RunTaskDeps, 'runs' | 'clock'>,
  hosts: readonly RunHost[],
  to: (h: RunHost) => HostStatus,
  extra: Partial<RunHost> = {},
): Promise<{ moved: number; delta: Partial<RunCounts>; hosts: RunHost[]; exact: boolean }> => {
  let moved = 0;
  let exact = true;
  const delta: Partial<RunCounts> = {};
  const now: RunHost[] = [];
  for (const h of hosts) {
    if (h.status !== 'pending' && h.status !== 'running') {
      now.push(h);
      continue;
    }
    const status = to(h);
    const done = await deps.runs.updateHost(h.runId, h.targetId, [h.status], {
      status,
      finishedAt: deps.clock.now().toISOString(),
      ...(extra.errorCategory === undefined ? {} : { errorCategory: extra.errorCategory }),
      ...(extra.errorMessage === undefined ? {} : { errorMessage: extra.errorMessage }),
    });
    if (!done) {
      exact = false;
      now.push(h);
      continue;
    }
    delta[h.status] = (delta[h.status] ?? 0) - 1;
    delta[status] = (delta[status] ?? 0) + 1;
    now.push({ ...h, status });
    moved += 1;
  }
  return { moved, delta, hosts: now, exact };
};

/**
 * A finished run's counts, from its hosts' items: the counts written while it ran are additions
 * that a killed runner may not have sent, or that a host whose result landed after MarkBatchLost
 * wrote it lost has twice.
 */
const countsOf = (hosts: readonly RunHost[]): RunCounts => {
  const counts = emptyCounts();
  counts.total = hosts.length;
  for (const h of hosts) counts[h.status] += 1;
  return counts;
};

const finish = async (deps: RunTaskDeps, run: Run, status: Exclude<RunStatus, 'queued' | 'running'>, counts: RunCounts, error?: Run['error']): Promise<Run | undefined> => {
  const now = deps.clock.now();
  const done = await deps.runs.transition(run.id, ['queued', 'running'], { status, finishedAt: now.toISOString(), counts, ...(error ? { error } : {}) });
  if (!done) return undefined;
  const from = done.startedAt ?? done.createdAt;
  await deps.bus.publish([
    eventOf(RunCompleted, {
      projectId: run.projectId,
      actor: SYSTEM,
      run: refOf(run),
      status,
      counts: done.counts,
      ...(error ? { error } : {}),
      durationMs: Math.max(0, now.getTime() - Date.parse(from)),
    }),
  ]);
  deps.logger.info('run finished', { runId: run.id, status, counts: done.counts });
  return done;
};

/** Finalize: hosts never started end `cancelled` or `skipped`, and the run gets its status. */
export const finalizeRun = async (deps: RunTaskDeps, input: { runId: string }): Promise<{ status: RunStatus }> => {
  const run = await mustGet(deps.runs, input.runId);
  if (finishedRunStatuses.includes(run.status)) return { status: run.status };
  const cancelled = run.cancelRequested !== undefined;
  const settled = await settleHosts(deps, await allHosts(deps.runs, run.id), (h) => (h.status === 'running' ? 'lost' : cancelled ? 'cancelled' : 'skipped'));
  const counts = countsOf(settled.exact ? settled.hosts : await allHosts(deps.runs, run.id));
  const pastDeadline = run.startedAt !== undefined && deps.clock.now().getTime() >= Date.parse(deadlineOf(run, run.startedAt));
  let status: Exclude<RunStatus, 'queued' | 'running'>;
  let error: Run['error'];
  if (cancelled) {
    status = 'cancelled';
  } else if (counts.total === 0) {
    status = 'failed';
    error = { code: 'NO_TARGETS', message: 'The run matched no enabled targets.' };
  } else if (counts.succeeded === counts.total) {
    status = 'succeeded';
  } else if (pastDeadline && counts.timed_out > 0) {
    status = 'timed_out';
    error = { code: 'RUN_TIMEOUT', message: `The run did not finish within ${run.runTimeoutSeconds} s.` };
  } else {
    status = 'failed';
    error = { code: 'HOSTS_FAILED', message: `${counts.total - counts.succeeded} of ${counts.total} hosts did not succeed.` };
  }
  const done = await finish(deps, run, status, counts, error);
  return { status: done?.status ?? (await mustGet(deps.runs, run.id)).status };
};

interface StatesError {
  Error?: string;
  Cause?: string;
}

/** MarkBatchLost: the runner of a batch died or stopped beating; its unfinished hosts are lost. */
export const markBatchLost = async (deps: RunTaskDeps, input: { runId: string; batch: number; error?: StatesError }): Promise<Record<string, never>> => {
  // First, so that a runner still working the batch has its next write refused and stops.
  await deps.runs.closeBatch(input.runId, input.batch);
  const hosts = await allHosts(deps.runs, input.runId, input.batch);
  const { moved, delta } = await settleHosts(deps, hosts, () => 'lost', {
    errorCategory: 'RUNNER_LOST',
    errorMessage: `The runner stopped before the host finished (${input.error?.Error ?? 'no answer'}).`,
  });
  // The run goes on (other batches): its counts move now, in one addition.
  if (moved > 0) await deps.runs.addCounts(input.runId, delta);
  deps.logger.warn('runner batch lost', { runId: input.runId, batch: input.batch, hosts: moved, error: input.error?.Error });
  return {};
};

/** MarkFailed: something other than a host broke the run; whatever is unfinished stops here. */
export const markRunFailed = async (deps: RunTaskDeps, input: { runId: string; error?: StatesError }): Promise<Record<string, never>> => {
  const run = await mustGet(deps.runs, input.runId);
  if (finishedRunStatuses.includes(run.status)) return {};
  const hosts = await allHosts(deps.runs, run.id);
  // A batch that a runner claimed may have started hosts it had not yet written (a host is written
  // `running` only after a while): those are lost, not skipped. No runner may start more.
  for (const batch of new Set(hosts.filter((h) => h.status === 'pending' || h.status === 'running').map((h) => h.batch))) await deps.runs.closeBatch(run.id, batch);
  const claimed = new Set((await deps.runs.listBatches(run.id)).filter((b) => b.owner !== undefined).map((b) => b.batch));
  const settled = await settleHosts(deps, hosts, (h) => (h.status === 'running' || claimed.has(h.batch) ? 'lost' : 'skipped'));
  const counts = countsOf(settled.exact ? settled.hosts : await allHosts(deps.runs, run.id));
  await finish(deps, run, 'failed', counts, { code: 'RUN_FAILED', message: `The run could not be carried out (${input.error?.Error ?? 'unknown error'}).` });
  return {};
};
