import type { Clock } from '../clock';
import { AppError, forbidden, notFound } from '../errors';
import { ScheduleCreated, ScheduleDeleted, ScheduleUpdated } from '../events/catalog';
import type { IdGenerator } from '../ids';
import { actorOf, displayNameOf, type Principal, type ProjectRole } from '../identity/principal';
import { resolveRunParameters } from '../jobs/parameters';
import type { Page } from '../pagination';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { JobStore } from '../ports/job-store';
import type { ScheduleStore } from '../ports/schedule-store';
import type { ScheduleSync } from '../ports/schedule-sync';
import { isTimeZone, nextFireTimes, parseSchedule, ScheduleExpressionError, type ParsedSchedule } from './expression';
import type { PreviewInput, Schedule, ScheduleInput, SchedulePatch } from './schema';

/**
 * The schedules API: a schedule is checked against its job when it is saved (parameters, secure
 * parameters refused, dangerous commands confirmed by an admin), so a fire only fails when the job
 * changed since. Responses carry the next five fire times.
 */
export interface ScheduleDeps {
  schedules: ScheduleStore;
  jobs: Pick<JobStore, 'get'>;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
  /** What fires schedules, told after every change (EventBridge Scheduler on AWS, the local scheduler locally). */
  scheduleSync: ScheduleSync;
}

export type ScheduleView = Schedule & { nextFireTimes: string[] };

const invalid = (path: string, message: string) => new AppError('VALIDATION_FAILED', 'The request body is not valid.', [{ location: 'body', path, message }]);

const parseExpression = (text: string): ParsedSchedule => {
  try {
    return parseSchedule(text);
  } catch (e) {
    if (e instanceof ScheduleExpressionError) throw invalid('expression', e.message);
    throw e;
  }
};

const checkZone = (timezone: string) => {
  if (!isTimeZone(timezone)) throw invalid('timezone', `'${timezone}' is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`);
};

/** The window a schedule's times fall in: rates count from startAt (or creation). */
export const windowOf = (s: Pick<Schedule, 'timezone' | 'startAt' | 'endAt' | 'createdAt'>) => ({
  timeZone: s.timezone,
  start: Date.parse(s.startAt ?? s.createdAt),
  ...(s.endAt === undefined ? {} : { end: Date.parse(s.endAt) }),
});

export const scheduleView = (s: Schedule, now: Date, count = 5): ScheduleView => ({
  ...s,
  nextFireTimes: s.enabled ? nextFireTimes(parseSchedule(s.expression), windowOf(s), now.getTime(), count).map((t) => new Date(t).toISOString()) : [],
});

const ref = (s: Schedule) => ({ id: s.id, name: s.name, jobId: s.jobId, expression: s.expression, timezone: s.timezone, enabled: s.enabled });

/** Everything a saved schedule must satisfy; answers the normalized expression. */
const check = async (
  deps: Pick<ScheduleDeps, 'jobs'>,
  role: ProjectRole | undefined,
  projectId: string,
  s: Omit<Schedule, 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy' | 'version' | 'id'>,
  opts: { checkJob: boolean },
): Promise<string> => {
  const parsed = parseExpression(s.expression);
  checkZone(s.timezone);
  if (s.startAt !== undefined && s.endAt !== undefined && Date.parse(s.endAt) <= Date.parse(s.startAt)) throw invalid('endAt', 'must be after startAt');
  if (s.confirmDangerous && role !== 'admin') throw forbidden('Only a project admin can confirm dangerous commands.');
  if (!opts.checkJob) return parsed.expression;
  const job = await deps.jobs.get(projectId, s.jobId);
  if (!job) throw invalid('jobId', `is not a job of this project`);
  const secure = job.parameters.filter((p) => p.secure);
  const givenSecure = secure.filter((p) => Object.hasOwn(s.parameters, p.name)).map((p) => p.name);
  const requiredSecure = secure.filter((p) => p.required && !givenSecure.includes(p.name)).map((p) => p.name);
  if (givenSecure.length > 0 || requiredSecure.length > 0) {
    throw new AppError(
      'BAD_REQUEST',
      'Schedules cannot carry secure parameters: a schedule would have to store their values for every future run, and secure values are never stored. Start runs with secure values yourself, or make the parameter non-secure.',
      { secureParameters: [...givenSecure, ...requiredSecure] },
    );
  }
  resolveRunParameters(job.parameters, s.parameters);
  if (job.targets === undefined) {
    throw new AppError('UNPROCESSABLE', 'The job has no targets: a schedule runs the job on its own targets, so give the job a selector or target ids first.', [
      { location: 'body', path: 'jobId', message: 'names a job without targets' },
    ]);
  }
  if (job.warnings.length > 0) {
    if (!s.confirmDangerous) {
      throw new AppError('CONFIRMATION_REQUIRED', 'This job has dangerous commands: a project admin must confirm them for every run this schedule starts with "confirmDangerous": true.', {
        warnings: job.warnings,
      });
    }
  }
  return parsed.expression;
};

const mustGet = async (deps: Pick<ScheduleDeps, 'schedules'>, projectId: string, scheduleId: string) => {
  const s = await deps.schedules.get(projectId, scheduleId);
  if (!s) throw notFound('Schedule', scheduleId);
  return s;
};

export const getSchedule = async (deps: Pick<ScheduleDeps, 'schedules' | 'clock'>, projectId: string, scheduleId: string): Promise<ScheduleView> =>
  scheduleView(await mustGet(deps, projectId, scheduleId), deps.clock.now());

export const listSchedules = async (deps: Pick<ScheduleDeps, 'schedules' | 'clock'>, projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<ScheduleView>> => {
  const result = await deps.schedules.list(projectId, page);
  const now = deps.clock.now();
  return { ...result, items: result.items.map((s) => scheduleView(s, now)) };
};

export const createSchedule = async (deps: ScheduleDeps, by: Principal, role: ProjectRole | undefined, projectId: string, input: ScheduleInput): Promise<ScheduleView> => {
  const now = deps.clock.now().toISOString();
  const fields = {
    projectId,
    name: input.name,
    jobId: input.jobId,
    parameters: input.parameters,
    expression: input.expression,
    timezone: input.timezone,
    ...(input.startAt === undefined ? {} : { startAt: new Date(input.startAt).toISOString() }),
    ...(input.endAt === undefined ? {} : { endAt: new Date(input.endAt).toISOString() }),
    enabled: input.enabled,
    overlap: input.overlap,
    graceSeconds: input.graceSeconds,
    confirmDangerous: input.confirmDangerous,
  };
  const expression = await check(deps, role, projectId, fields, { checkJob: true });
  const schedule: Schedule = {
    id: deps.ids.next('sch'),
    ...fields,
    expression,
    createdAt: now,
    createdBy: displayNameOf(by),
    updatedAt: now,
    updatedBy: displayNameOf(by),
    version: 1,
  };
  await deps.schedules.create(schedule);
  try {
    await deps.scheduleSync.put(schedule);
  } catch (e) {
    // Not armed: nor kept, so the caller's retry creates it afresh instead of a second one.
    await deps.schedules.delete(schedule);
    throw e;
  }
  await deps.bus.publish([eventOf(ScheduleCreated, { projectId, actor: actorOf(by), schedule: ref(schedule) })]);
  return scheduleView(schedule, deps.clock.now());
};

export const updateSchedule = async (
  deps: ScheduleDeps,
  by: Principal,
  role: ProjectRole | undefined,
  projectId: string,
  scheduleId: string,
  patch: SchedulePatch,
): Promise<ScheduleView> => {
  const current = await mustGet(deps, projectId, scheduleId);
  const { startAt, endAt, ...rest } = patch;
  const merged: Schedule = { ...current, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
  if (startAt === null) delete merged.startAt;
  else if (startAt !== undefined) merged.startAt = new Date(startAt).toISOString();
  if (endAt === null) delete merged.endAt;
  else if (endAt !== undefined) merged.endAt = new Date(endAt).toISOString();
  // A disabled schedule may name a job that no longer fits it (deleted, changed): it can still be
  // edited or disabled; enabling it checks the job again.
  const expression = await check(deps, role, projectId, merged, { checkJob: merged.enabled });
  const next: Schedule = { ...merged, expression, updatedAt: deps.clock.now().toISOString(), updatedBy: displayNameOf(by), version: current.version + 1 };
  await deps.schedules.update(next, current.version);
  // A failure leaves the previous definition armed and answers 500; the same PATCH again puts it.
  // A fire reads the stored schedule, so a schedule disabled here never starts a run meanwhile.
  await deps.scheduleSync.put(next);
  await deps.bus.publish([eventOf(ScheduleUpdated, { projectId, actor: actorOf(by), schedule: ref(next) })]);
  return scheduleView(next, deps.clock.now());
};

export const deleteSchedule = async (deps: ScheduleDeps, by: Principal, projectId: string, scheduleId: string): Promise<void> => {
  const current = await mustGet(deps, projectId, scheduleId);
  await deps.schedules.delete(current);
  // After the store: a leftover armed schedule only fires into one that is gone, which does nothing.
  await deps.scheduleSync.remove(current);
  await deps.bus.publish([eventOf(ScheduleDeleted, { projectId, actor: actorOf(by), schedule: ref(current) })]);
};

/** The fire times an expression would have: the scheduler's own evaluator, nothing stored. */
export const previewSchedule = (deps: Pick<ScheduleDeps, 'clock'>, input: PreviewInput): { next: string[] } => {
  const parsed = parseExpression(input.expression);
  checkZone(input.timezone);
  const from = input.from === undefined ? deps.clock.now().getTime() : Date.parse(input.from);
  return { next: nextFireTimes(parsed, { timeZone: input.timezone, start: from }, from, input.count).map((t) => new Date(t).toISOString()) };
};
