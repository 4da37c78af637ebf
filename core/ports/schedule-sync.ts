import type { Schedule } from '../schedules/schema';

/**
 * What fires schedules, told about every change the schedules service makes: on AWS one
 * EventBridge Scheduler schedule per schedule (adapters/aws/scheduler-schedule-sync.ts), locally
 * the local scheduler, which re-reads its schedules (local/scheduler.ts). Called after the store
 * write, so a schedule is never armed that the table does not hold.
 */
export interface ScheduleSync {
  /** The schedule as saved: armed when enabled, disarmed when not (create or replace). */
  put(schedule: Schedule): Promise<void>;
  /** The schedule was deleted: nothing fires for it any more (gone already is fine). */
  remove(schedule: Schedule): Promise<void>;
}
