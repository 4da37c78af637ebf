import YAML from 'yaml';
import type { Clock } from '../clock';
import { AppError, notFound } from '../errors';
import { JobCreated, JobDeleted, JobUpdated } from '../events/catalog';
import type { IdGenerator } from '../ids';
import { actorOf, displayNameOf, type Principal } from '../identity/principal';
import type { Page } from '../pagination';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { JobStore } from '../ports/job-store';
import { findDangerousCommands } from './dangerous';
import type { DangerWarning, Job, JobInput, Step } from './schema';

export interface JobDeps {
  jobs: JobStore;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
}

/** `command` steps may run through sh (SSH) or cmd.exe (WinRM), so both rule sets apply. */
const shellsOf = (step: Step): ('posix' | 'powershell' | 'cmd')[] =>
  step.kind === 'powershell' ? ['powershell'] : step.kind === 'command' ? ['posix', 'cmd'] : ['posix'];

export const dangerWarnings = (steps: readonly Step[]): DangerWarning[] =>
  steps.flatMap((step) => {
    const seen = new Set<string>();
    return shellsOf(step).flatMap((shell) =>
      findDangerousCommands(step.content, shell)
        .filter((f) => {
          const key = `${f.ruleId}@${f.line}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        })
        .map((f) => ({ stepId: step.id ?? '', ruleId: f.ruleId, title: f.title, explanation: f.explanation, line: f.line, excerpt: f.excerpt })),
    );
  });

const ref = (j: Job) => ({ id: j.id, name: j.name, version: j.version, dangerous: j.warnings.length > 0 });

const fromInput = (input: JobInput) => ({
  name: input.name,
  description: input.description,
  steps: input.steps,
  parameters: input.parameters,
  ...(input.targets === undefined
    ? {}
    : {
        targets: {
          ...(input.targets.selector === undefined ? {} : { selector: input.targets.selector.source }),
          ...(input.targets.targetIds === undefined ? {} : { targetIds: input.targets.targetIds }),
        },
      }),
  concurrency: input.concurrency,
  maxErrors: input.maxErrors,
  runTimeoutSeconds: input.runTimeoutSeconds,
  warnings: dangerWarnings(input.steps),
});

const mustGet = async (deps: Pick<JobDeps, 'jobs'>, projectId: string, jobId: string) => {
  const job = await deps.jobs.get(projectId, jobId);
  if (!job) throw notFound('Job', jobId);
  return job;
};

export const getJob = mustGet;

export const listJobs = (deps: Pick<JobDeps, 'jobs'>, projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Job>> =>
  deps.jobs.list(projectId, page);

export const listJobVersions = async (deps: Pick<JobDeps, 'jobs'>, projectId: string, jobId: string, page: { limit: number; cursor?: string | undefined }) => {
  await mustGet(deps, projectId, jobId);
  return deps.jobs.listVersions(projectId, jobId, page);
};

export const createJob = async (deps: JobDeps, by: Principal, projectId: string, input: JobInput): Promise<Job> => {
  const now = deps.clock.now().toISOString();
  const job: Job = {
    id: deps.ids.next('job'),
    projectId,
    ...fromInput(input),
    createdAt: now,
    createdBy: displayNameOf(by),
    updatedAt: now,
    updatedBy: displayNameOf(by),
    version: 1,
  };
  await deps.jobs.put(job, 0);
  await deps.bus.publish([eventOf(JobCreated, { projectId, actor: actorOf(by), job: ref(job) })]);
  return job;
};

/** PUT replaces the job with a new version; the old one stays readable for the runs that used it. */
export const replaceJob = async (deps: JobDeps, by: Principal, projectId: string, jobId: string, input: JobInput, expectedVersion?: number): Promise<Job> => {
  const current = await mustGet(deps, projectId, jobId);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new AppError('VERSION_CONFLICT', 'The job was changed by someone else; reload it and try again.', { expectedVersion, currentVersion: current.version });
  }
  const next: Job = {
    ...fromInput(input),
    id: current.id,
    projectId,
    createdAt: current.createdAt,
    createdBy: current.createdBy,
    updatedAt: deps.clock.now().toISOString(),
    updatedBy: displayNameOf(by),
    version: current.version + 1,
  };
  await deps.jobs.put(next, current.version);
  await deps.bus.publish([eventOf(JobUpdated, { projectId, actor: actorOf(by), job: ref(next) })]);
  return next;
};

export const deleteJob = async (deps: JobDeps, by: Principal, projectId: string, jobId: string): Promise<void> => {
  const current = await mustGet(deps, projectId, jobId);
  await deps.jobs.delete(current);
  await deps.bus.publish([eventOf(JobDeleted, { projectId, actor: actorOf(by), job: ref(current) })]);
};

/** The job as a team keeps it in Git: what a user writes, none of what the server adds. */
export const jobToYaml = (job: Job): string =>
  YAML.stringify({
    name: job.name,
    description: job.description,
    ...(job.targets === undefined ? {} : { targets: job.targets }),
    concurrency: job.concurrency,
    maxErrors: job.maxErrors,
    runTimeoutSeconds: job.runTimeoutSeconds,
    parameters: job.parameters,
    steps: job.steps,
  });
