import { isAppError } from '../errors';
import { ScheduleFired, ScheduleMissed } from '../events/catalog';
import type { Actor, ApiKeyPrincipal } from '../identity/principal';
import { eventOf } from '../ports/event-bus';
import type { ScheduleStore } from '../ports/schedule-store';
import { runIdFor, startRun, type RunDeps } from '../runs/service';
import type { MissedReason, Schedule } from './schema';

/**
 * One fire of one schedule at one scheduled time, as EventBridge Scheduler's target (on AWS) or the
 * local scheduler calls it. The run's idempotency key is `<scheduleId>@<scheduled time>`, so a
 * scheduled time starts at most one run however often it is delivered.
 */
export interface FireDeps extends RunDeps {
  schedules: ScheduleStore;
}

export interface FireRequest {
  projectId: string;
  scheduleId: string;
  /** ISO instant; normalized to UTC `toISOString` before it becomes part of the key. */
  scheduledTime: string;
}

export type FireOutcome =
  | { outcome: 'fired'; runId: string }
  /** This scheduled time had already started its run (a redelivery). */
  | { outcome: 'duplicate'; runId: string }
  | { outcome: 'missed'; reason: MissedReason }
  /** Gone or disabled: nothing to do. */
  | { outcome: 'ignored' };

/**
 * Who a schedule acts as: the principal model knows users and API keys, so a schedule is an
 * API-key-shaped principal of its own project (`schedule:<id>`). It never authenticates anywhere;
 * the role handed to startRun is `admin` only when an admin confirmed the job's dangerous commands
 * on the schedule (checked again on every save).
 */
export const schedulePrincipal = (s: Pick<Schedule, 'id' | 'projectId'>): ApiKeyPrincipal => ({
  type: 'apiKey',
  keyId: s.id,
  name: `schedule:${s.id}`,
  projectId: s.projectId,
  role: 'operator',
});

export const scheduleActor = (s: Pick<Schedule, 'id'>): Actor => ({ type: 'system', id: s.id, name: `schedule:${s.id}` });

export const idempotencyKeyOf = (scheduleId: string, scheduledTime: string): string => `${scheduleId}@${scheduledTime}`;

const activeStatuses = new Set(['queued', 'running']);

const reasonOf = (e: unknown): MissedReason | undefined => {
  if (!isAppError(e)) return undefined;
  if (e.code === 'NOT_FOUND') return 'job-missing';
  if (e.code === 'CONFIRMATION_REQUIRED' || e.code === 'FORBIDDEN') return 'confirmation-required';
  if (e.code === 'VALIDATION_FAILED') return 'invalid-parameters';
  if (e.code === 'UNPROCESSABLE') return 'no-targets';
  return undefined;
};

/** Records a missed scheduled time: the mark on the schedule, and the event. */
export const recordMissed = async (
  deps: { schedules: Pick<ScheduleStore, 'recordMissed'>; bus: FireDeps['bus'] },
  s: Schedule,
  miss: { scheduledTime: string; reason: MissedReason; count?: number; lastScheduledTime?: string; activeRunId?: string; message?: string },
): Promise<void> => {
  await deps.schedules.recordMissed(s.projectId, s.id, miss.lastScheduledTime ?? miss.scheduledTime);
  await deps.bus.publish([eventOf(ScheduleMissed, { projectId: s.projectId, actor: scheduleActor(s), scheduleId: s.id, ...miss })]);
};

export const fireSchedule = async (deps: FireDeps, request: FireRequest): Promise<FireOutcome> => {
  const schedule = await deps.schedules.get(request.projectId, request.scheduleId);
  if (!schedule?.enabled) return { outcome: 'ignored' };
  const scheduledTime = new Date(request.scheduledTime).toISOString();
  const key = idempotencyKeyOf(schedule.id, scheduledTime);
  const expectedRunId = runIdFor(schedule.projectId, schedule.jobId, key);
  if (schedule.lastRunId === expectedRunId) return { outcome: 'duplicate', runId: expectedRunId };

  if (schedule.overlap === 'skip' && schedule.lastRunId !== undefined) {
    const previous = await deps.runs.get(schedule.lastRunId);
    if (previous && activeStatuses.has(previous.status)) {
      await recordMissed(deps, schedule, { scheduledTime, reason: 'overlap', activeRunId: previous.id });
      return { outcome: 'missed', reason: 'overlap' };
    }
  }

  const principal = schedulePrincipal(schedule);
  let started: Awaited<ReturnType<typeof startRun>>;
  try {
    started = await startRun(
      deps,
      principal,
      schedule.confirmDangerous ? 'admin' : 'operator',
      schedule.projectId,
      schedule.jobId,
      { parameters: schedule.parameters, confirmDangerous: schedule.confirmDangerous },
      key,
    );
  } catch (e) {
    // The same key already used for a different request: the schedule changed after this time fired.
    if (isAppError(e) && e.code === 'IDEMPOTENCY_CONFLICT') return { outcome: 'duplicate', runId: expectedRunId };
    const reason = reasonOf(e) ?? 'launch-failed';
    // Only our own messages go into the event: an infrastructure error's text is not ours to publish.
    await recordMissed(deps, schedule, { scheduledTime, reason, ...(isAppError(e) ? { message: e.message.slice(0, 500) } : {}) });
    return { outcome: 'missed', reason };
  }
  await deps.schedules.recordFire(schedule.projectId, schedule.id, { scheduledTime, runId: started.run.id });
  if (!started.created) return { outcome: 'duplicate', runId: started.run.id };
  await deps.bus.publish([eventOf(ScheduleFired, { projectId: schedule.projectId, actor: scheduleActor(schedule), scheduleId: schedule.id, scheduledTime, runId: started.run.id })]);
  return { outcome: 'fired', runId: started.run.id };
};
