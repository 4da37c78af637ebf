import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import { AppError, conflict, forbidden, notFound } from '../errors';
import { RunCancelRequested, RunCompleted, RunQueued } from '../events/catalog';
import type { IdGenerator } from '../ids';
import { actorOf, displayNameOf, type Principal, type ProjectRole } from '../identity/principal';
import { resolveRunParameters } from '../jobs/parameters';
import type { Job } from '../jobs/schema';
import type { Page } from '../pagination';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { JobStore } from '../ports/job-store';
import type { RunLauncher } from '../ports/run-launcher';
import type { RunSealer } from '../ports/run-sealer';
import type { RunStore } from '../ports/run-store';
import { allHosts } from './tasks';
import { emptyCounts, finishedRunStatuses, type HostStatus, type Run, type RunHost, type RunListQuery, type StartRunInput } from './schema';

/**
 * The runs API: start (idempotently), read, cancel and retry runs. The state machine does the
 * work (core/runs/tasks.ts); this side only records what was asked and hands the run over.
 */
export interface RunDeps {
  runs: RunStore;
  jobs: JobStore;
  sealer: RunSealer;
  launcher: RunLauncher;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
}

export const MASK = '******';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The same key in the same project for the same job always names the same run. */
export const runIdFor = (projectId: string, jobId: string, idempotencyKey: string): string => {
  const digest = createHash('sha256').update(`${projectId}\n${jobId}\n${idempotencyKey}`).digest();
  let out = '';
  for (let i = 0; i < 26; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const word = ((digest[byte] ?? 0) << 8) | (digest[byte + 1] ?? 0);
    out += CROCKFORD.charAt((word >> (11 - (bit & 7))) & 31);
  }
  return `run_${out}`;
};

/** What callers see: the sealed values and the request fingerprint stay inside. */
export const runView = (run: Run): Omit<Run, 'sealedSecureParameters' | 'requestHash'> => {
  const { sealedSecureParameters: _sealed, requestHash: _hash, ...view } = run;
  return view;
};

const refOf = (run: Run) => ({ id: run.id, jobId: run.jobId, jobName: run.jobName, jobVersion: run.jobVersion });

const mustGetRun = async (deps: Pick<RunDeps, 'runs'>, projectId: string, runId: string): Promise<Run> => {
  const run = await deps.runs.get(runId);
  // A run of another project is as absent as one that does not exist.
  if (!run || run.projectId !== projectId) throw notFound('Run', runId);
  return run;
};

export const getRun = mustGetRun;

export const listRuns = (deps: Pick<RunDeps, 'runs'>, projectId: string, query: RunListQuery): Promise<Page<Run>> => deps.runs.list(projectId, query);

export const listRunHosts = async (
  deps: Pick<RunDeps, 'runs'>,
  projectId: string,
  runId: string,
  query: { limit: number; cursor?: string | undefined; status?: HostStatus | undefined },
): Promise<Page<RunHost>> => {
  await mustGetRun(deps, projectId, runId);
  return deps.runs.listHosts(runId, query);
};

const outputPage = async (deps: Pick<RunDeps, 'runs'>, host: RunHost, afterSeq: number, maxBytes: number) => {
  const chunks = await deps.runs.readOutput(host.runId, host.targetId, afterSeq, maxBytes);
  const last = chunks.at(-1)?.seq ?? afterSeq;
  const finished = !['pending', 'running'].includes(host.status);
  return {
    targetId: host.targetId,
    status: host.status,
    items: chunks.map((c) => ({ seq: c.seq, stream: c.stream, stepId: c.stepId, attempt: c.attempt, at: c.at, data: c.data.toString('base64') })),
    nextCursor: String(last),
    // A host's lastSeq is written with its result; one whose runner died has none, so its output
    // is complete once a page comes back empty.
    complete: finished && (chunks.length === 0 || (host.lastSeq > 0 && last >= host.lastSeq)),
  };
};

/**
 * A page of one host's output after `afterSeq`. `nextCursor` is always given, so a reader can keep
 * polling while the host runs; `complete` says the host has finished and nothing more will come.
 */
export const readRunOutput = async (deps: Pick<RunDeps, 'runs'>, projectId: string, runId: string, targetId: string, afterSeq: number, maxBytes: number) => {
  await mustGetRun(deps, projectId, runId);
  const host = await deps.runs.getHost(runId, targetId);
  if (!host) throw notFound('Host of this run', targetId);
  return outputPage(deps, host, afterSeq, maxBytes);
};

/** Pages of several hosts' output at once, the byte budget shared among them. */
export const readRunOutputs = async (deps: Pick<RunDeps, 'runs'>, projectId: string, runId: string, cursors: readonly { targetId: string; afterSeq: number }[], maxBytes: number) => {
  await mustGetRun(deps, projectId, runId);
  const hosts = new Map((await allHosts(deps.runs, runId)).map((h) => [h.targetId, h]));
  const missing = cursors.filter((c) => !hosts.has(c.targetId)).map((c) => c.targetId);
  if (missing.length > 0) throw new AppError('NOT_FOUND', 'Some hosts are not part of this run.', { targetIds: missing });
  const share = Math.max(16 * 1024, Math.floor(maxBytes / cursors.length));
  const items = await Promise.all(cursors.map(async (c) => outputPage(deps, hosts.get(c.targetId) as RunHost, c.afterSeq, share)));
  return { items };
};

/** Fingerprint of a request, without secure values (a hash of a short secret could be reversed). */
const requestHashOf = (job: Job, input: StartRunInput, retryOf?: string): string => {
  const secure = new Set(job.parameters.filter((p) => p.secure).map((p) => p.name));
  const parameters = Object.fromEntries(
    Object.entries(input.parameters)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, secure.has(k) ? MASK : v]),
  );
  const targets = input.targets === undefined ? null : { selector: input.targets.selector?.source ?? null, targetIds: input.targets.targetIds ?? null };
  return createHash('sha256').update(JSON.stringify({ jobId: job.id, jobVersion: retryOf === undefined ? null : job.version, parameters, targets, retryOf: retryOf ?? null })).digest('hex');
};

interface Launch {
  job: Job;
  input: StartRunInput;
  targets: Run['targets'] | undefined;
  idempotencyKey?: string | undefined;
  retryOf?: string | undefined;
}

const launch = async (deps: RunDeps, by: Principal, role: ProjectRole | undefined, projectId: string, l: Launch): Promise<{ run: Run; created: boolean }> => {
  const { job, input } = l;
  let dangerousConfirmed: Run['dangerousConfirmed'];
  if (job.warnings.length > 0) {
    const ruleIds = [...new Set(job.warnings.map((w) => w.ruleId))];
    if (!input.confirmDangerous) {
      throw new AppError('CONFIRMATION_REQUIRED', 'This job has dangerous commands: a project admin must confirm them with "confirmDangerous": true.', { warnings: job.warnings });
    }
    if (role !== 'admin') throw forbidden('Only a project admin can confirm dangerous commands.');
    dangerousConfirmed = { by: displayNameOf(by), at: deps.clock.now().toISOString(), ruleIds };
  }
  const resolved = resolveRunParameters(job.parameters, input.parameters);
  if (l.targets === undefined) {
    throw new AppError('UNPROCESSABLE', 'The job has no targets: give the run a selector or target ids.', [{ location: 'body', path: 'targets', message: 'is required when the job has none' }]);
  }

  const runId = l.idempotencyKey === undefined ? deps.ids.next('run') : runIdFor(projectId, l.retryOf ?? job.id, l.idempotencyKey);
  const secureNames = new Set(job.parameters.filter((p) => p.secure).map((p) => p.name));
  const secure = Object.fromEntries(Object.entries(resolved.values).filter(([name]) => secureNames.has(name)));
  const now = deps.clock.now().toISOString();
  const run: Run = {
    id: runId,
    projectId,
    jobId: job.id,
    jobName: job.name,
    jobVersion: job.version,
    status: 'queued',
    parameters: Object.fromEntries(Object.entries(resolved.values).map(([k, v]) => [k, secureNames.has(k) ? MASK : v])),
    ...(Object.keys(secure).length === 0 ? {} : { sealedSecureParameters: await deps.sealer.seal(runId, secure) }),
    targets: l.targets,
    runTimeoutSeconds: job.runTimeoutSeconds,
    ...(dangerousConfirmed === undefined ? {} : { dangerousConfirmed }),
    ...(l.retryOf === undefined ? {} : { retryOf: l.retryOf }),
    requestHash: requestHashOf(job, input, l.retryOf),
    counts: emptyCounts(),
    createdAt: now,
    createdBy: displayNameOf(by),
    updatedAt: now,
    version: 1,
  };
  const { created, run: stored } = await deps.runs.create(run);
  if (!created) {
    if (stored.requestHash !== run.requestHash) {
      throw new AppError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used for a different request.', { runId: stored.id });
    }
    // A replay: start it in case the first request stopped between writing and starting.
    if (stored.status === 'queued') await deps.launcher.start({ runId: stored.id, projectId });
    return { run: stored, created: false };
  }
  await deps.bus.publish([eventOf(RunQueued, { projectId, actor: actorOf(by), run: refOf(run), ...(l.retryOf === undefined ? {} : { retryOf: l.retryOf }), dangerousConfirmed: dangerousConfirmed !== undefined })]);
  try {
    await deps.launcher.start({ runId, projectId });
  } catch (e) {
    const failed = await deps.runs.transition(runId, ['queued'], { status: 'failed', finishedAt: deps.clock.now().toISOString(), error: { code: 'LAUNCH_FAILED', message: 'The run could not be handed to the state machine.' } });
    if (failed) await deps.bus.publish([eventOf(RunCompleted, { projectId, actor: actorOf(by), run: refOf(run), status: 'failed', counts: failed.counts, ...(failed.error ? { error: failed.error } : {}) })]);
    throw e;
  }
  return { run, created: true };
};

const targetsOf = (job: Job, input: StartRunInput): Run['targets'] | undefined => {
  if (input.targets !== undefined) {
    return {
      ...(input.targets.selector === undefined ? {} : { selector: input.targets.selector.source }),
      ...(input.targets.targetIds === undefined ? {} : { targetIds: input.targets.targetIds }),
    };
  }
  return job.targets;
};

export const startRun = async (
  deps: RunDeps,
  by: Principal,
  role: ProjectRole | undefined,
  projectId: string,
  jobId: string,
  input: StartRunInput,
  idempotencyKey?: string,
): Promise<{ run: Run; created: boolean }> => {
  const job = await deps.jobs.get(projectId, jobId);
  if (!job) throw notFound('Job', jobId);
  return launch(deps, by, role, projectId, { job, input, targets: targetsOf(job, input), idempotencyKey });
};

export const cancelRun = async (deps: RunDeps, by: Principal, projectId: string, runId: string): Promise<Run> => {
  const run = await mustGetRun(deps, projectId, runId);
  if (finishedRunStatuses.includes(run.status)) throw conflict(`The run has already ${run.status === 'cancelled' ? 'been cancelled' : 'finished'}.`, { status: run.status });
  if (run.cancelRequested) return run;
  const cancelled = await deps.runs.requestCancel(runId, { by: displayNameOf(by), at: deps.clock.now().toISOString() });
  if (!cancelled) {
    // Someone else cancelled it, or it finished meanwhile.
    const now = await mustGetRun(deps, projectId, runId);
    if (now.cancelRequested && !finishedRunStatuses.includes(now.status)) return now;
    throw conflict('The run has already finished.', { status: now.status });
  }
  await deps.bus.publish([eventOf(RunCancelRequested, { projectId, actor: actorOf(by), run: refOf(cancelled) })]);
  return cancelled;
};

/** A new run of the same job version, parameters and secure values, on the hosts that did not succeed. */
export const retryRun = async (
  deps: RunDeps,
  by: Principal,
  role: ProjectRole | undefined,
  projectId: string,
  runId: string,
  input: { confirmDangerous: boolean },
  idempotencyKey?: string,
): Promise<{ run: Run; created: boolean }> => {
  const original = await mustGetRun(deps, projectId, runId);
  if (!finishedRunStatuses.includes(original.status)) throw conflict('The run is still going; retry it once it has finished.', { status: original.status });
  const targetIds = (await allHosts(deps.runs, runId)).filter((h) => h.status !== 'succeeded').map((h) => h.targetId);
  if (targetIds.length === 0) throw conflict('Every host of the run succeeded: there is nothing to retry.');
  if (targetIds.length > 1000) throw new AppError('UNPROCESSABLE', `${targetIds.length} hosts did not succeed; a retry takes at most 1000.`);
  const job = await deps.jobs.getVersion(projectId, original.jobId, original.jobVersion);
  if (!job) throw notFound('Job version', `${original.jobId}@${original.jobVersion}`);
  const secure = original.sealedSecureParameters === undefined ? {} : await deps.sealer.open(original.id, original.sealedSecureParameters);
  const parameters = Object.fromEntries(Object.entries(original.parameters).map(([k, v]) => [k, secure[k] ?? v]));
  const typed = Object.fromEntries(
    job.parameters.filter((p) => Object.hasOwn(parameters, p.name)).map((p) => {
      const text = parameters[p.name] ?? '';
      // Stored values are the strings the hosts saw; the job's types take them back.
      return [p.name, p.type === 'number' ? Number(text) : p.type === 'boolean' ? text === 'true' : text];
    }),
  );
  return launch(deps, by, role, projectId, {
    job,
    input: { parameters: typed, confirmDangerous: input.confirmDangerous },
    targets: { targetIds },
    idempotencyKey,
    retryOf: original.id,
  });
};
