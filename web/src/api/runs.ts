import type { ApiClient } from './client';
import type { Page, PageRequest } from './types';

export const runStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
export type RunStatus = (typeof runStatuses)[number];
export const hostStatuses = ['pending', 'running', 'succeeded', 'failed', 'unreachable', 'cancelled', 'timed_out', 'skipped', 'lost'] as const;
export type HostStatus = (typeof hostStatuses)[number];

export type RunCounts = { total: number } & Record<HostStatus, number>;

export interface Run {
  id: string;
  projectId: string;
  jobId: string;
  jobName: string;
  jobVersion: number;
  status: RunStatus;
  parameters: Record<string, string>;
  targets: { selector?: string; targetIds?: string[] };
  counts: RunCounts;
  retryOf?: string;
  cancelRequested?: { by: string; at: string };
  error?: { code: string; message: string };
  createdAt: string;
  createdBy: string;
  startedAt?: string;
  finishedAt?: string;
  version: number;
}

export interface RunHost {
  runId: string;
  targetId: string;
  targetName: string;
  address: string;
  status: HostStatus;
  exitCode?: number;
  errorCategory?: string;
  errorMessage?: string;
  lastSeq: number;
  startedAt?: string;
  finishedAt?: string;
}

export interface OutputChunk {
  seq: number;
  stream: 'stdout' | 'stderr';
  stepId: string;
  attempt: number;
  at: string;
  /** Base64 of the bytes. */
  data: string;
}

export interface OutputPage {
  targetId: string;
  status: HostStatus;
  items: OutputChunk[];
  nextCursor: string;
  complete: boolean;
}

/** Several hosts' output at once: one page per requested host. */
export interface OutputPages {
  items: OutputPage[];
}

/** At most this many hosts per outputs request. */
export const MAX_OUTPUT_HOSTS = 100;

export interface StartRunInput {
  parameters: Record<string, string | number | boolean>;
  confirmDangerous?: boolean;
}

export const finishedRunStatuses: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'timed_out'];

const projectBase = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}`;
const runPath = (projectId: string, runId: string) => `${projectBase(projectId)}/runs/${encodeURIComponent(runId)}`;
const signalOf = (signal?: AbortSignal) => (signal ? { signal } : {});

/** Runs of a project's jobs: read by members, started, cancelled and retried by operators. */
export const runsApi = (api: ApiClient) => ({
  /** Starts a run; the key makes a repeated request (a retry after a lost answer) answer the same run. */
  start: (projectId: string, jobId: string, input: StartRunInput, idempotencyKey: string) =>
    api.post<Run>(`${projectBase(projectId)}/jobs/${encodeURIComponent(jobId)}/runs`, input, { headers: { 'Idempotency-Key': idempotencyKey } }),
  list: (projectId: string, filter: { jobId?: string | undefined; status?: RunStatus | undefined }, page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<Run>>(`${projectBase(projectId)}/runs`, {
      query: { limit: page.limit, cursor: page.cursor, jobId: filter.jobId, status: filter.status },
      ...signalOf(signal),
    }),
  get: (projectId: string, runId: string, signal?: AbortSignal) => api.get<Run>(runPath(projectId, runId), signalOf(signal)),
  hosts: (projectId: string, runId: string, signal?: AbortSignal) =>
    api.get<Page<RunHost>>(`${runPath(projectId, runId)}/hosts`, { query: { limit: 1000 }, ...signalOf(signal) }),
  output: (projectId: string, runId: string, targetId: string, cursor: string | undefined, signal?: AbortSignal) =>
    api.get<OutputPage>(`${runPath(projectId, runId)}/output`, { query: { targetId, cursor }, ...signalOf(signal) }),
  /** The output of up to MAX_OUTPUT_HOSTS hosts after their cursors (the last sequence number held, 0 for none). */
  outputs: (projectId: string, runId: string, cursors: readonly { targetId: string; cursor: string }[], signal?: AbortSignal) =>
    api.get<OutputPages>(`${runPath(projectId, runId)}/outputs`, {
      query: { cursors: cursors.map((c) => `${c.targetId}:${c.cursor}`).join(',') },
      ...signalOf(signal),
    }),
  cancel: (projectId: string, runId: string) => api.request<Run>('POST', `${runPath(projectId, runId)}/cancel`),
  retry: (projectId: string, runId: string, confirmDangerous: boolean, idempotencyKey: string) =>
    api.post<Run>(`${runPath(projectId, runId)}/retry`, { confirmDangerous }, { headers: { 'Idempotency-Key': idempotencyKey } }),
});

export type RunsApi = ReturnType<typeof runsApi>;
