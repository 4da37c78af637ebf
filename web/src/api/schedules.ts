import type { ApiClient } from './client';
import type { Page, PageRequest } from './types';

export type OverlapPolicy = 'skip' | 'allow';

export interface Schedule {
  id: string;
  projectId: string;
  name: string;
  jobId: string;
  parameters: Record<string, unknown>;
  expression: string;
  timezone: string;
  startAt?: string;
  endAt?: string;
  enabled: boolean;
  overlap: OverlapPolicy;
  graceSeconds: number;
  confirmDangerous: boolean;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
  lastFireAt?: string;
  lastRunId?: string;
  lastMissedAt?: string;
  /** The next fire times (none while disabled). */
  nextFireTimes: string[];
}

export interface ScheduleInput {
  name: string;
  jobId: string;
  parameters: Record<string, unknown>;
  expression: string;
  timezone: string;
  enabled: boolean;
  overlap: OverlapPolicy;
  confirmDangerous?: boolean;
}

export type SchedulePatch = Partial<ScheduleInput>;

const base = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}/schedules`;
const path = (projectId: string, scheduleId: string) => `${base(projectId)}/${encodeURIComponent(scheduleId)}`;
const signalOf = (signal?: AbortSignal) => (signal ? { signal } : {});

/** A project's schedules: read by members, managed by admins; the preview evaluates an expression. */
export const schedulesApi = (api: ApiClient) => ({
  list: (projectId: string, page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<Schedule>>(base(projectId), { query: { limit: page.limit, cursor: page.cursor }, ...signalOf(signal) }),
  get: (projectId: string, scheduleId: string, signal?: AbortSignal) => api.get<Schedule>(path(projectId, scheduleId), signalOf(signal)),
  create: (projectId: string, input: ScheduleInput) => api.post<Schedule>(base(projectId), input),
  update: (projectId: string, scheduleId: string, patch: SchedulePatch) => api.patch<Schedule>(path(projectId, scheduleId), patch),
  remove: (projectId: string, scheduleId: string) => api.delete(path(projectId, scheduleId)),
  preview: (expression: string, timezone: string, count: number, signal?: AbortSignal) =>
    api.post<{ next: string[] }>('/v1/schedules/preview', { expression, timezone, count }, signalOf(signal)),
});

export type SchedulesApi = ReturnType<typeof schedulesApi>;
