import type { ApiClient } from './client';
import type { Page, PageRequest } from './types';

export type ChannelKind = 'email' | 'webhook' | 'slack';

/** A channel as the API shows it: never a webhook's signing secret or a Slack URL. */
export interface Channel {
  id: string;
  projectId: string;
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  recipients?: string[];
  url?: string;
  hasSecret?: boolean;
  webhookUrlHint?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export type ChannelInput =
  | { kind: 'email'; name: string; enabled: boolean; recipients: string[] }
  | { kind: 'webhook'; name: string; enabled: boolean; url: string }
  | { kind: 'slack'; name: string; enabled: boolean; webhookUrl: string };

export interface ChannelPatch {
  name?: string;
  enabled?: boolean;
  recipients?: string[];
  url?: string;
  webhookUrl?: string;
  rotateSecret?: true;
}

/** A created webhook channel (or one whose secret was rotated) carries its signing secret this once. */
export type ChannelWithSecret = Channel & { signingSecret?: string };

export const notificationEvents = ['run.started', 'run.succeeded', 'run.failed', 'run.cancelled', 'run.overdue'] as const;
export type NotificationEvent = (typeof notificationEvents)[number];

export interface Template {
  subject?: string;
  body?: string;
}

export interface Rule {
  id: string;
  projectId: string;
  name: string;
  jobId?: string;
  events: NotificationEvent[];
  channelIds: string[];
  overdueAfterMinutes?: number;
  template: Template;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface RuleInput {
  name: string;
  jobId?: string;
  events: NotificationEvent[];
  channelIds: string[];
  overdueAfterMinutes?: number;
  template: Template;
  enabled: boolean;
}

export type RulePatch = Partial<Omit<RuleInput, 'jobId' | 'overdueAfterMinutes'>> & { jobId?: string | null; overdueAfterMinutes?: number | null };

export interface Delivery {
  id: string;
  event: NotificationEvent;
  ruleId: string;
  channelId: string;
  channelName: string;
  channelKind: ChannelKind;
  runId: string;
  jobId: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  error?: string;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
}

export interface TestSendResult {
  status: 'sent' | 'failed';
  attempts: number;
  error?: string;
  reference?: string;
  message: { subject: string; body: string };
}

const base = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}`;
const signalOf = (signal?: AbortSignal) => (signal ? { signal } : {});

/** A project's notification channels, rules, template preview and delivery log (docs/notifications.md). */
export const notificationsApi = (api: ApiClient) => ({
  listChannels: (projectId: string, page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<Channel>>(`${base(projectId)}/notification-channels`, { query: { limit: page.limit, cursor: page.cursor }, ...signalOf(signal) }),
  createChannel: (projectId: string, input: ChannelInput) => api.post<ChannelWithSecret>(`${base(projectId)}/notification-channels`, input),
  updateChannel: (projectId: string, channelId: string, patch: ChannelPatch) =>
    api.patch<ChannelWithSecret>(`${base(projectId)}/notification-channels/${encodeURIComponent(channelId)}`, patch),
  removeChannel: (projectId: string, channelId: string) => api.delete(`${base(projectId)}/notification-channels/${encodeURIComponent(channelId)}`),
  testChannel: (projectId: string, channelId: string) => api.post<TestSendResult>(`${base(projectId)}/notification-channels/${encodeURIComponent(channelId)}/test`, {}),
  listRules: (projectId: string, page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<Rule>>(`${base(projectId)}/notification-rules`, { query: { limit: page.limit, cursor: page.cursor }, ...signalOf(signal) }),
  createRule: (projectId: string, input: RuleInput) => api.post<Rule>(`${base(projectId)}/notification-rules`, input),
  updateRule: (projectId: string, ruleId: string, patch: RulePatch) => api.patch<Rule>(`${base(projectId)}/notification-rules/${encodeURIComponent(ruleId)}`, patch),
  removeRule: (projectId: string, ruleId: string) => api.delete(`${base(projectId)}/notification-rules/${encodeURIComponent(ruleId)}`),
  preview: (projectId: string, input: { event: NotificationEvent; template: Template; runId?: string }, signal?: AbortSignal) =>
    api.post<{ subject: string; body: string }>(`${base(projectId)}/notification-templates/preview`, input, signalOf(signal)),
  listDeliveries: (projectId: string, page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<Delivery>>(`${base(projectId)}/notification-deliveries`, { query: { limit: page.limit, cursor: page.cursor }, ...signalOf(signal) }),
});

export type NotificationsApi = ReturnType<typeof notificationsApi>;
