import {
  ActionAfterCompletion,
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  FlexibleTimeWindowMode,
  ResourceNotFoundException,
  ScheduleState,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { ScheduleSync } from '../../core/ports/schedule-sync';
import type { Schedule } from '../../core/schedules/schema';

export interface SchedulerSyncConfig {
  /** The schedule group every schedule lives in (SCHEDULE_GROUP). */
  groupName: string;
  /** The schedule-fire Lambda (SCHEDULE_FIRE_FUNCTION_ARN). */
  fireFunctionArn: string;
  /** The role Scheduler assumes to invoke it and to dead-letter (SCHEDULER_ROLE_ARN). */
  roleArn: string;
  /** Where deliveries that keep failing go (SCHEDULE_DLQ_ARN). */
  deadLetterArn: string;
}

/** Scheduler's context attribute: replaced by the scheduled time of each invocation (ISO UTC). */
export const scheduledTimePlaceholder = '<aws.scheduler.scheduled-time>';
/** Delivery retries; `MaximumEventAgeInSeconds` (the schedule's grace) bounds them first. */
export const schedulerRetryAttempts = 20;

/** The target's input: what lambdas/schedule-fire validates, with the scheduled time filled in by Scheduler. */
export const fireInputOf = (s: Pick<Schedule, 'id' | 'projectId'>): string =>
  JSON.stringify({ scheduleId: s.id, projectId: s.projectId, scheduledTime: scheduledTimePlaceholder });

/**
 * One Scheduler schedule per schedule, named by its id, in the group. The expression and the zone
 * go unchanged (the evaluator speaks Scheduler's syntax); no flexible window; a delivery older than
 * the schedule's grace (60 s to 24 h, Scheduler's bounds) is dead-lettered instead of starting a
 * run late. Scheduler refuses a StartDate more than a few minutes in the past, so one already
 * passed is left out (the schedule has started either way).
 */
export const schedulerScheduleOf = (s: Schedule, config: SchedulerSyncConfig, now: Date): CreateScheduleCommandInput => ({
  Name: s.id,
  GroupName: config.groupName,
  Description: `OpsConductor schedule ${s.name}`.slice(0, 512),
  ScheduleExpression: s.expression,
  ScheduleExpressionTimezone: s.timezone,
  ...(s.startAt !== undefined && Date.parse(s.startAt) > now.getTime() ? { StartDate: new Date(s.startAt) } : {}),
  ...(s.endAt === undefined ? {} : { EndDate: new Date(s.endAt) }),
  State: s.enabled ? ScheduleState.ENABLED : ScheduleState.DISABLED,
  FlexibleTimeWindow: { Mode: FlexibleTimeWindowMode.OFF },
  // The API deletes the Scheduler schedule with the schedule; an `at()` one stays until then.
  ActionAfterCompletion: ActionAfterCompletion.NONE,
  Target: {
    Arn: config.fireFunctionArn,
    RoleArn: config.roleArn,
    Input: fireInputOf(s),
    RetryPolicy: { MaximumRetryAttempts: schedulerRetryAttempts, MaximumEventAgeInSeconds: Math.min(86_400, Math.max(60, s.graceSeconds)) },
    DeadLetterConfig: { Arn: config.deadLetterArn },
  },
});

const isNotFound = (e: unknown) => e instanceof ResourceNotFoundException || (e instanceof Error && e.name === 'ResourceNotFoundException');
const isConflict = (e: unknown) => e instanceof ConflictException || (e instanceof Error && e.name === 'ConflictException');

/**
 * EventBridge Scheduler as the ScheduleSync: put is an upsert (UpdateSchedule, CreateSchedule when
 * there is none, UpdateSchedule again when a concurrent put created it first); a schedule whose
 * `endAt` has passed is deleted instead (Scheduler refuses an EndDate in the past, and nothing is
 * left to fire); remove deletes and takes "not found" as done.
 */
export const createSchedulerScheduleSync = ({
  client,
  config,
  now = () => new Date(),
}: {
  client: Pick<SchedulerClient, 'send'>;
  config: SchedulerSyncConfig;
  now?: () => Date;
}): ScheduleSync => {
  const remove = async (s: Pick<Schedule, 'id'>) => {
    try {
      await client.send(new DeleteScheduleCommand({ Name: s.id, GroupName: config.groupName }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  };
  return {
    put: async (s) => {
      const at = now();
      if (s.endAt !== undefined && Date.parse(s.endAt) <= at.getTime()) return remove(s);
      const input = schedulerScheduleOf(s, config, at);
      try {
        await client.send(new UpdateScheduleCommand(input));
        return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      try {
        await client.send(new CreateScheduleCommand(input));
      } catch (e) {
        if (!isConflict(e)) throw e;
        await client.send(new UpdateScheduleCommand(input));
      }
    },
    remove,
  };
};
