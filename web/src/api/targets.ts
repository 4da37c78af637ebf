import type { ApiClient } from './client';
import type {
  BulkTestResult,
  CreateTargetInput,
  DiscoveryCandidate,
  ImportFormat,
  ImportReport,
  Page,
  PageRequest,
  Target,
  TargetFilter,
  TargetTestResponse,
  UpdateTargetInput,
} from './types';

const base = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}/targets`;
const path = (projectId: string, targetId: string) => `${base(projectId)}/${encodeURIComponent(targetId)}`;
const signalOf = (signal?: AbortSignal) => (signal ? { signal } : {});

/** A project's targets: read by members, tested by operators, managed by admins. */
export const targetsApi = (api: ApiClient) => ({
  list: (projectId: string, filter: TargetFilter, page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<Target>>(base(projectId), {
      query: { limit: page.limit, cursor: page.cursor, selector: filter.selector, namePrefix: filter.namePrefix, protocol: filter.protocol },
      ...signalOf(signal),
    }),
  get: (projectId: string, targetId: string, signal?: AbortSignal) => api.get<Target>(path(projectId, targetId), signalOf(signal)),
  create: (projectId: string, input: CreateTargetInput) => api.post<Target>(base(projectId), input),
  update: (projectId: string, targetId: string, input: UpdateTargetInput) => api.patch<Target>(path(projectId, targetId), input),
  remove: (projectId: string, targetId: string) => api.delete(path(projectId, targetId)),
  test: (projectId: string, targetId: string) => api.request<TargetTestResponse>('POST', `${path(projectId, targetId)}/test`),
  /** Tests every target the selector matches (the empty selector: all of them). */
  testAll: (projectId: string, selector: string) => api.post<{ results: BulkTestResult[] }>(`${base(projectId)}/test`, { selector }),
  acceptHostKey: (projectId: string, targetId: string, fingerprint: string) =>
    api.post<Target>(`${path(projectId, targetId)}/accept-host-key`, { fingerprint }),
  import: (projectId: string, input: { format: ImportFormat; content: string; dryRun: boolean }) =>
    api.post<ImportReport>(`${base(projectId)}/import`, input),
  discover: (projectId: string, input: { cidr: string; ports: number[] }) =>
    api.post<{ candidates: DiscoveryCandidate[] }>(`/v1/projects/${encodeURIComponent(projectId)}/discovery`, input),
});

export type TargetsApi = ReturnType<typeof targetsApi>;
