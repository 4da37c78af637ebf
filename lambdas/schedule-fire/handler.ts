import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { ProjectId } from '../../core/projects/schema';
import { fireSchedule, type FireDeps, type FireOutcome } from '../../core/schedules/fire';
import { ScheduleId } from '../../core/schedules/schema';

/**
 * The input each EventBridge Scheduler schedule sends (adapters/aws/scheduler-schedule-sync.ts):
 * the ids, and the scheduled time Scheduler fills in for `<aws.scheduler.scheduled-time>`.
 */
export const FireInput = z.strictObject({
  scheduleId: ScheduleId,
  projectId: ProjectId,
  scheduledTime: z.iso.datetime({ offset: true }),
});

/**
 * The Scheduler target: one fire of one schedule (core/schedules/fire.ts). An input that is not
 * ours throws before anything is read, and so does an infrastructure failure: Lambda retries the
 * invocation, then dead-letters it; a redelivered scheduled time starts no second run.
 */
export const makeScheduleFireHandler =
  (deps: FireDeps & { logger: Logger }) =>
  async (event: unknown): Promise<FireOutcome> => {
    const parsed = FireInput.safeParse(event);
    if (!parsed.success) throw new Error(`Not a schedule fire: ${z.prettifyError(parsed.error)}`);
    const outcome = await fireSchedule(deps, parsed.data);
    deps.logger.info('schedule fire', { ...parsed.data, ...outcome });
    return outcome;
  };
