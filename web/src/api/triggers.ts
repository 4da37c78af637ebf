import type { ApiClient } from './client';
import type { Page, PageRequest } from './types';

export interface Trigger {
  id: string;
  projectId: string;
  name: string;
  jobId: string;
  /** The EventBridge event pattern as JSON text, kept as it was sent. */
  pattern: string;
  /** Job parameter → JSONPath on the event ($.detail.version). */
  inputMapping: Record<string, string>;
  parameters: Record<string, unknown>;
  enabled: boolean;
  confirmDangerous: boolean;
  webhook: { enabled: boolean; hasSecret: boolean; url: string };
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

/** A trigger as the API answers a create, an enabling of its webhook, or a rotation: with the secret, this once. */
export type TriggerWithSecret = Trigger & { webhookSecret?: string };

export interface TriggerInput {
  name: string;
  jobId: string;
  pattern?: string;
  inputMapping: Record<string, string>;
  parameters: Record<string, unknown>;
  enabled: boolean;
  confirmDangerous?: boolean;
  webhook: { enabled: boolean };
}

export type TriggerPatch = Partial<TriggerInput>;

export interface CatalogEntry {
  source: string;
  detailType: string;
  description: string;
  /** The detail's JSON Schema. */
  schema: Record<string, unknown>;
}

export interface PatternTestResult {
  match: boolean;
  parameters?: Record<string, unknown>;
}

const base = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}/triggers`;
const path = (projectId: string, triggerId: string) => `${base(projectId)}/${encodeURIComponent(triggerId)}`;
const signalOf = (signal?: AbortSignal) => (signal ? { signal } : {});

/** A project's triggers: read by members, managed by admins. */
export const triggersApi = (api: ApiClient) => ({
  list: (projectId: string, page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<Trigger>>(base(projectId), { query: { limit: page.limit, cursor: page.cursor }, ...signalOf(signal) }),
  create: (projectId: string, input: TriggerInput) => api.post<TriggerWithSecret>(base(projectId), input),
  update: (projectId: string, triggerId: string, patch: TriggerPatch) => api.patch<TriggerWithSecret>(path(projectId, triggerId), patch),
  remove: (projectId: string, triggerId: string) => api.delete(path(projectId, triggerId)),
  rotateSecret: (projectId: string, triggerId: string) => api.post<TriggerWithSecret & { webhookSecret: string }>(`${path(projectId, triggerId)}/webhook-secret`, {}),
});

/** The event catalog and the pattern tester (any signed-in caller). */
export const eventsApi = (api: ApiClient) => ({
  catalog: (signal?: AbortSignal) => api.get<{ items: CatalogEntry[] }>('/v1/events/catalog', signalOf(signal)),
  testPattern: (input: { pattern: string; event: string; inputMapping?: Record<string, string> }, signal?: AbortSignal) =>
    api.post<PatternTestResult>('/v1/events/test-pattern', input, signalOf(signal)),
});
