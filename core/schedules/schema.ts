import { z } from 'zod';
import { idPattern } from '../ids';
import { JobId } from '../jobs/schema';
import { ProjectId } from '../projects/schema';

/**
 * Schedules: a job started at the instants an EventBridge Scheduler expression names, in an IANA
 * time zone. The expression is checked (and a Unix cron converted) by core/schedules/expression.ts
 * when a schedule is saved; the stored text is the normalized one.
 */
export const ScheduleId = z.string().regex(idPattern('sch'), 'must be a schedule id (sch_…)');

const Name = z
  .string()
  .min(1)
  .max(128)
  .refine((s) => s.trim() === s && !/\p{Cc}/u.test(s), 'must be printable without surrounding whitespace');

const Instant = z.iso.datetime({ offset: true });

export const overlapPolicies = ['skip', 'allow'] as const;

const fields = {
  name: Name,
  jobId: JobId,
  /** As for a run: checked against the job's parameters when the schedule is saved. Secure ones are refused. */
  parameters: z.record(z.string(), z.unknown()),
  expression: z.string().min(1).max(256),
  timezone: z.string().min(1).max(64),
  startAt: Instant,
  endAt: Instant,
  enabled: z.boolean(),
  /** `skip`: a fire is missed while the run the previous fire started is queued or running. */
  overlap: z.enum(overlapPolicies),
  /** After downtime, the latest missed fire still runs when it is at most this late. */
  graceSeconds: z.number().int().min(0).max(86_400),
  /** The job's dangerous commands, confirmed by a project admin; required while the job has any. */
  confirmDangerous: z.boolean(),
};

export const ScheduleInput = z.strictObject({
  name: fields.name,
  jobId: fields.jobId,
  parameters: fields.parameters.default({}),
  expression: fields.expression,
  timezone: fields.timezone.default('UTC'),
  startAt: fields.startAt.optional(),
  endAt: fields.endAt.optional(),
  enabled: fields.enabled.default(true),
  overlap: fields.overlap.default('skip'),
  graceSeconds: fields.graceSeconds.default(300),
  confirmDangerous: fields.confirmDangerous.default(false),
});
export type ScheduleInput = z.output<typeof ScheduleInput>;

/** PATCH: the fields given replace the stored ones; `startAt`/`endAt` null removes them. */
export const SchedulePatch = z
  .strictObject({
    name: fields.name.optional(),
    jobId: fields.jobId.optional(),
    parameters: fields.parameters.optional(),
    expression: fields.expression.optional(),
    timezone: fields.timezone.optional(),
    startAt: fields.startAt.nullable().optional(),
    endAt: fields.endAt.nullable().optional(),
    enabled: fields.enabled.optional(),
    overlap: fields.overlap.optional(),
    graceSeconds: fields.graceSeconds.optional(),
    confirmDangerous: fields.confirmDangerous.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'name at least one field to change' });
export type SchedulePatch = z.output<typeof SchedulePatch>;

export const Schedule = z.object({
  id: ScheduleId,
  projectId: ProjectId,
  name: Name,
  jobId: JobId,
  parameters: z.record(z.string(), z.unknown()),
  expression: z.string(),
  timezone: z.string(),
  startAt: z.string().optional(),
  endAt: z.string().optional(),
  enabled: z.boolean(),
  overlap: z.enum(overlapPolicies),
  graceSeconds: z.number().int(),
  confirmDangerous: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  version: z.number().int().positive(),
  /** The scheduled time of the last fire that started (or found) a run. */
  lastFireAt: z.string().optional(),
  /** The run that fire started: `overlap: skip` checks it is finished before starting another. */
  lastRunId: z.string().optional(),
  /** The latest scheduled time recorded as missed (downtime, overlap, a job that cannot run). */
  lastMissedAt: z.string().optional(),
});
export type Schedule = z.infer<typeof Schedule>;

export const SchedulePath = z.strictObject({ projectId: ProjectId, scheduleId: ScheduleId });

export const PreviewInput = z.strictObject({
  expression: fields.expression,
  timezone: fields.timezone.default('UTC'),
  /** Fire times strictly after this instant (default now); rate schedules count from it. */
  from: Instant.optional(),
  count: z.number().int().min(1).max(20).default(5),
});
export type PreviewInput = z.output<typeof PreviewInput>;

/** Why a fire did not start a run. */
export const missedReasons = ['overlap', 'downtime', 'job-missing', 'confirmation-required', 'invalid-parameters', 'no-targets', 'launch-failed'] as const;
export type MissedReason = (typeof missedReasons)[number];
