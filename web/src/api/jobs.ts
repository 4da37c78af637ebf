import type { ApiClient } from './client';
import type { Page, PageRequest } from './types';

export type StepKind = 'command' | 'script' | 'powershell';
export type Interpreter = 'sh' | 'bash' | 'python3';

export interface JobStep {
  id?: string;
  name?: string;
  kind: StepKind;
  interpreter?: Interpreter;
  content: string;
  timeoutSeconds?: number;
  retries?: { count: number; backoffSeconds: number };
  continueOnError?: boolean;
}

export type ParameterType = 'string' | 'number' | 'boolean' | 'choice';

export interface JobParameter {
  name: string;
  type: ParameterType;
  description?: string;
  required?: boolean;
  default?: string | number | boolean;
  regex?: string;
  allowed?: string[];
  secure?: boolean;
}

export interface DangerWarning {
  stepId: string;
  ruleId: string;
  title: string;
  explanation: string;
  line: number;
  excerpt: string;
}

export interface Job {
  id: string;
  projectId: string;
  name: string;
  description: string;
  steps: JobStep[];
  parameters: JobParameter[];
  targets?: { selector?: string; targetIds?: string[] };
  concurrency: number | string;
  maxErrors: number | string;
  runTimeoutSeconds: number;
  warnings: DangerWarning[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

export interface JobInput {
  name: string;
  description: string;
  steps: JobStep[];
  parameters: JobParameter[];
  targets?: { selector?: string; targetIds?: string[] };
  concurrency: number | string;
  maxErrors: number | string;
  runTimeoutSeconds?: number;
}

const base = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}/jobs`;
const path = (projectId: string, jobId: string) => `${base(projectId)}/${encodeURIComponent(jobId)}`;
const signalOf = (signal?: AbortSignal) => (signal ? { signal } : {});

/** A project's jobs: read by members, managed by admins. Every save makes a new version. */
export const jobsApi = (api: ApiClient) => ({
  list: (projectId: string, page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<Job>>(base(projectId), { query: { limit: page.limit, cursor: page.cursor }, ...signalOf(signal) }),
  get: (projectId: string, jobId: string, signal?: AbortSignal) => api.get<Job>(path(projectId, jobId), signalOf(signal)),
  create: (projectId: string, input: JobInput) => api.post<Job>(base(projectId), input),
  /** Replaces the job; `version` guards against a colleague's newer save (If-Match). */
  replace: (projectId: string, jobId: string, input: JobInput, version: number) =>
    api.put<Job>(path(projectId, jobId), input, { headers: { 'If-Match': String(version) } }),
  remove: (projectId: string, jobId: string) => api.delete(path(projectId, jobId)),
});

export type JobsApi = ReturnType<typeof jobsApi>;
