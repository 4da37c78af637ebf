import type { Page } from '../pagination';
import type { Schedule } from '../schedules/schema';

/** Schedules of a project, and every enabled one (for the scheduler). */
export interface ScheduleStore {
  get(projectId: string, scheduleId: string): Promise<Schedule | undefined>;
  list(projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Schedule>>;
  /** Every enabled schedule in every project. */
  listEnabled(): Promise<Schedule[]>;
  /** Writes a new schedule; CONFLICT when the id exists. */
  create(schedule: Schedule): Promise<void>;
  /**
   * Replaces what a user edits when the stored version is `expectedVersion` (VERSION_CONFLICT
   * otherwise, NOT_FOUND when gone). The fire marks (lastFireAt, lastRunId, lastMissedAt) are kept.
   */
  update(schedule: Schedule, expectedVersion: number): Promise<void>;
  /** Records a fire without touching `version`; only moves lastFireAt forward; nothing when the schedule is gone. */
  recordFire(projectId: string, scheduleId: string, fire: { scheduledTime: string; runId: string }): Promise<void>;
  /** Records the latest missed scheduled time (moves forward only). */
  recordMissed(projectId: string, scheduleId: string, scheduledTime: string): Promise<void>;
  delete(schedule: Schedule): Promise<void>;
}
