import { z } from 'zod';
import { idPattern } from '../ids';
import { JobId } from '../jobs/schema';
import { ProjectId } from '../projects/schema';
import { RunId } from '../runs/schema';

/**
 * Notifications: channels (where a message goes: email, a signed webhook, a Slack incoming
 * webhook), rules (which run events of a project or job notify which channels, with which
 * template) and the delivery log. Channel secrets (the webhook signing secret, the Slack URL) are
 * kept sealed on the channel and never answered. See docs/notifications.md.
 */
export const ChannelId = z.string().regex(idPattern('nch'), 'must be a notification channel id (nch_…)');
export const RuleId = z.string().regex(idPattern('nrl'), 'must be a notification rule id (nrl_…)');

const Name = z
  .string()
  .min(1)
  .max(128)
  .refine((s) => s.trim() === s && !/\p{Cc}/u.test(s), 'must be printable without surrounding whitespace');

export const channelKinds = ['email', 'webhook', 'slack'] as const;
export type ChannelKind = (typeof channelKinds)[number];

const Recipients = z.array(z.email().max(254)).min(1).max(50);

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048);
/** Slack's incoming webhooks are https; a test server on loopback may be http. */
const SlackUrl = HttpUrl;

export const ChannelInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('email'), name: Name, enabled: z.boolean().default(true), recipients: Recipients }),
  z.strictObject({ kind: z.literal('webhook'), name: Name, enabled: z.boolean().default(true), url: HttpUrl }),
  z.strictObject({ kind: z.literal('slack'), name: Name, enabled: z.boolean().default(true), webhookUrl: SlackUrl }),
]);
export type ChannelInput = z.output<typeof ChannelInput>;

/** Fields of any kind; the service refuses those of another kind than the channel's. */
export const ChannelPatch = z
  .strictObject({
    name: Name.optional(),
    enabled: z.boolean().optional(),
    recipients: Recipients.optional(),
    url: HttpUrl.optional(),
    webhookUrl: SlackUrl.optional(),
    /** Webhook channels: a new signing secret, answered this once; the old one stops at once. */
    rotateSecret: z.literal(true).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'name at least one field to change' });
export type ChannelPatch = z.output<typeof ChannelPatch>;

export const ChannelConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('email'), recipients: z.array(z.string()) }),
  /** `sealedSecret`: the HMAC signing secret sealed with the run sealer, context = the channel id. */
  z.object({ kind: z.literal('webhook'), url: z.string(), sealedSecret: z.string() }),
  /** The whole URL is the credential: sealed, shown only as `urlHint` (host and last four characters). */
  z.object({ kind: z.literal('slack'), sealedUrl: z.string(), urlHint: z.string() }),
]);
export type ChannelConfig = z.infer<typeof ChannelConfig>;

export const Channel = z.object({
  id: ChannelId,
  projectId: ProjectId,
  name: Name,
  enabled: z.boolean(),
  config: ChannelConfig,
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  version: z.number().int().positive(),
});
export type Channel = z.infer<typeof Channel>;

export type ChannelView = Omit<Channel, 'config'> & {
  kind: ChannelKind;
  recipients?: string[];
  url?: string;
  hasSecret?: boolean;
  webhookUrlHint?: string;
};

export const notificationEvents = ['run.started', 'run.succeeded', 'run.failed', 'run.cancelled', 'run.overdue'] as const;
export const NotificationEvent = z.enum(notificationEvents);
export type NotificationEvent = z.infer<typeof NotificationEvent>;

export const TEMPLATE_MAX_CHARS = 16 * 1024;
export const Template = z.strictObject({
  subject: z.string().max(1024).optional(),
  body: z.string().max(TEMPLATE_MAX_CHARS).optional(),
});
export type Template = z.output<typeof Template>;

/** At most a week: an overdue check longer than that is better done by the run timeout. */
const OverdueMinutes = z.number().int().min(1).max(7 * 24 * 60);

export const RuleInput = z.strictObject({
  name: Name,
  /** Absent: every job of the project. */
  jobId: JobId.optional(),
  events: z.array(NotificationEvent).min(1).max(notificationEvents.length),
  channelIds: z.array(ChannelId).min(1).max(10),
  /** Required with `run.overdue`: how long a run may run before it is overdue. */
  overdueAfterMinutes: OverdueMinutes.optional(),
  template: Template.default({}),
  enabled: z.boolean().default(true),
});
export type RuleInput = z.output<typeof RuleInput>;

export const RulePatch = z
  .strictObject({
    name: Name.optional(),
    jobId: JobId.nullable().optional(),
    events: z.array(NotificationEvent).min(1).max(notificationEvents.length).optional(),
    channelIds: z.array(ChannelId).min(1).max(10).optional(),
    overdueAfterMinutes: OverdueMinutes.nullable().optional(),
    template: Template.optional(),
    enabled: z.boolean().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'name at least one field to change' });
export type RulePatch = z.output<typeof RulePatch>;

export const Rule = z.object({
  id: RuleId,
  projectId: ProjectId,
  name: Name,
  jobId: JobId.optional(),
  events: z.array(NotificationEvent),
  channelIds: z.array(ChannelId),
  overdueAfterMinutes: z.number().int().optional(),
  template: z.object({ subject: z.string().optional(), body: z.string().optional() }),
  enabled: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  version: z.number().int().positive(),
});
export type Rule = z.infer<typeof Rule>;

export const deliveryStatuses = ['pending', 'sent', 'failed'] as const;
export const DeliveryStatus = z.enum(deliveryStatuses);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/**
 * One message to one channel for one occurrence: `id` is `<occurrence>:<channelId>` where the
 * occurrence is the bus event id (or `overdue-<ruleId>-<runId>`), so a redelivered event finds
 * its delivery and sends nothing twice.
 */
export const Delivery = z.object({
  id: z.string(),
  projectId: ProjectId,
  occurrence: z.string(),
  event: NotificationEvent,
  ruleId: RuleId,
  channelId: ChannelId,
  channelName: z.string(),
  channelKind: z.enum(channelKinds),
  runId: RunId,
  jobId: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int().min(0),
  /** Why it failed (never a secret: secrets are scrubbed from messages before they are kept). */
  error: z.string().optional(),
  /** While pending: another consumer may take the delivery over after this time (a crash mid-send). */
  leaseUntil: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  sentAt: z.string().optional(),
});
export type Delivery = z.infer<typeof Delivery>;

export const ChannelPath = z.strictObject({ projectId: ProjectId, channelId: ChannelId });
export const RulePath = z.strictObject({ projectId: ProjectId, ruleId: RuleId });

export const DeliveryListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
  status: DeliveryStatus.optional(),
  runId: RunId.optional(),
  channelId: ChannelId.optional(),
});
export type DeliveryListQuery = z.infer<typeof DeliveryListQuery>;

export const PreviewInput = z.strictObject({
  event: NotificationEvent,
  template: Template.default({}),
  /** Render against this run of the project; absent: a sample run. */
  runId: RunId.optional(),
});
export type PreviewInput = z.output<typeof PreviewInput>;
