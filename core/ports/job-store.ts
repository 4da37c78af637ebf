import type { Job } from '../jobs/schema';
import type { Page } from '../pagination';

/** Jobs (the current version) and their immutable versions. */
export interface JobStore {
  get(projectId: string, jobId: string): Promise<Job | undefined>;
  list(projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Job>>;
  /** Writes the job as its current version and keeps the snapshot; VERSION_CONFLICT when `expectedVersion` is stale (0 creates). */
  put(job: Job, expectedVersion: number): Promise<void>;
  getVersion(projectId: string, jobId: string, version: number): Promise<Job | undefined>;
  listVersions(projectId: string, jobId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Job>>;
  /** Deletes the current job; versions stay, for the runs that name them. */
  delete(job: Job): Promise<void>;
}
