import { z } from 'zod';
import { Actor, ApiKeyRole, ProjectRole } from '../identity/principal';
import { Project, ProjectId } from '../projects/schema';

/**
 * Every event OpsConductor puts on the bus is defined here, once. Publishers, consumers and
 * EventBridge rules import these definitions; nobody retypes a detail-type as a string.
 */
export const eventSources = [
  'opsconductor.identity',
  'opsconductor.inventory',
  'opsconductor.automation',
  'opsconductor.communication',
  'opsconductor.audit',
] as const;
export type EventSource = (typeof eventSources)[number];

export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  readonly source: EventSource;
  readonly detailType: string;
  readonly description: string;
  readonly schema: S;
}

const defineEvent = <S extends z.ZodType>(def: EventDefinition<S>): EventDefinition<S> => def;

// What events say about a project: never more than the API would show.
const ProjectSnapshot = Project.pick({ id: true, name: true, description: true, version: true });

export const ProjectCreated = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'Project Created',
  description: 'A project was created.',
  schema: z.object({ projectId: ProjectId, actor: Actor, project: ProjectSnapshot }),
});

export const ProjectUpdated = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'Project Updated',
  description: 'A project was renamed, its description changed, or one of its settings (audit retention).',
  schema: z.object({
    projectId: ProjectId,
    actor: Actor,
    project: ProjectSnapshot,
    changed: z.array(z.enum(['name', 'description', 'settings.auditRetentionDays'])),
  }),
});

export const ProjectDeleted = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'Project Deleted',
  description: 'A project was deleted.',
  schema: z.object({ projectId: ProjectId, actor: Actor, project: ProjectSnapshot }),
});

const UserRef = z.object({ userId: z.string(), email: z.string().optional() });

export const UserInvited = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'User Invited',
  description: 'A global admin invited a user; they choose a password at first sign-in.',
  schema: z.object({ actor: Actor, user: UserRef.extend({ admin: z.boolean() }) }),
});

export const UserUpdated = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'User Updated',
  description: 'A user was disabled, re-enabled, or made or unmade a global admin.',
  schema: z.object({ actor: Actor, user: UserRef, changes: z.object({ enabled: z.boolean().optional(), admin: z.boolean().optional() }) }),
});

export const UserDeleted = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'User Deleted',
  description: 'A user was deleted, with their project memberships.',
  schema: z.object({ actor: Actor, user: UserRef }),
});

export const MemberRoleChanged = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'Member Role Changed',
  description: 'A user was added to a project or their role in it changed.',
  schema: z.object({
    projectId: ProjectId,
    actor: Actor,
    member: z.object({ userId: z.string(), role: ProjectRole, previousRole: ProjectRole.optional() }),
  }),
});

export const MemberRemoved = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'Member Removed',
  description: 'A user was removed from a project; it takes effect on their next request.',
  schema: z.object({ projectId: ProjectId, actor: Actor, member: z.object({ userId: z.string(), role: ProjectRole }) }),
});

const ApiKeyRef = z.object({ keyId: z.string(), name: z.string(), role: ApiKeyRole, expiresAt: z.string() });

export const ApiKeyCreated = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'Api Key Created',
  description: 'A project API key was created (the event never carries the secret).',
  schema: z.object({ projectId: ProjectId, actor: Actor, apiKey: ApiKeyRef }),
});

export const ApiKeyRevoked = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'Api Key Revoked',
  description: 'A project API key was revoked; it stops working at once.',
  schema: z.object({ projectId: ProjectId, actor: Actor, apiKey: ApiKeyRef }),
});

export const AccessDenied = defineEvent({
  source: 'opsconductor.audit',
  detailType: 'Access Denied',
  description: 'The policy refused a request: who, which route, which project (never the credential).',
  schema: z.object({
    actor: Actor,
    projectId: z.string().optional(),
    route: z.object({ id: z.string(), method: z.string(), path: z.string() }),
    answered: z.union([z.literal(403), z.literal(404)]),
    requestId: z.string(),
    sourceIp: z.string().optional(),
  }),
});

export const SettingsUpdated = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'Settings Updated',
  description: 'A global admin changed an installation setting.',
  schema: z.object({ actor: Actor, settings: z.object({ mfa: z.enum(['optional', 'required']).optional() }) }),
});

const CredentialRef = z.object({ id: z.string(), name: z.string(), kind: z.string(), username: z.string(), publicKeyFingerprint: z.string().optional() });

export const CredentialCreated = defineEvent({
  source: 'opsconductor.inventory',
  detailType: 'Credential Created',
  description: 'A credential was created (metadata only: material never leaves the vault).',
  schema: z.object({ projectId: ProjectId, actor: Actor, credential: CredentialRef }),
});

export const CredentialRotated = defineEvent({
  source: 'opsconductor.inventory',
  detailType: 'Credential Rotated',
  description: "A credential's material was replaced; runs in flight keep the previous version.",
  schema: z.object({ projectId: ProjectId, actor: Actor, credential: CredentialRef }),
});

export const CredentialDeleted = defineEvent({
  source: 'opsconductor.inventory',
  detailType: 'Credential Deleted',
  description: 'A credential and its material were deleted.',
  schema: z.object({ projectId: ProjectId, actor: Actor, credential: CredentialRef }),
});

const TargetRef = z.object({ id: z.string(), name: z.string(), address: z.string(), protocol: z.string() });

export const TargetCreated = defineEvent({
  source: 'opsconductor.inventory',
  detailType: 'Target Created',
  description: 'A target host was added to the inventory.',
  schema: z.object({ projectId: ProjectId, actor: Actor, target: TargetRef }),
});

export const TargetUpdated = defineEvent({
  source: 'opsconductor.inventory',
  detailType: 'Target Updated',
  description: 'A target was changed (fields listed), or an admin accepted its new host key.',
  schema: z.object({ projectId: ProjectId, actor: Actor, target: TargetRef, changed: z.array(z.string()) }),
});

export const TargetDeleted = defineEvent({
  source: 'opsconductor.inventory',
  detailType: 'Target Deleted',
  description: 'A target was removed from the inventory.',
  schema: z.object({ projectId: ProjectId, actor: Actor, target: TargetRef }),
});

export const HostKeyChanged = defineEvent({
  source: 'opsconductor.inventory',
  detailType: 'Host Key Changed',
  description: 'A host presented a key other than the trusted one; connections fail until an admin accepts it.',
  schema: z.object({ projectId: ProjectId, actor: Actor, target: TargetRef, trusted: z.string(), presented: z.string() }),
});

export const ConnectionTested = defineEvent({
  source: 'opsconductor.inventory',
  detailType: 'Connection Tested',
  description: 'A connection test finished, with its outcome (never the credential).',
  schema: z.object({
    projectId: ProjectId,
    actor: Actor,
    target: TargetRef,
    ok: z.boolean(),
    category: z.string().optional(),
    latencyMs: z.number().optional(),
  }),
});

const JobRef = z.object({ id: z.string(), name: z.string(), version: z.number(), dangerous: z.boolean() });

export const JobCreated = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Job Created',
  description: 'A job was created (version 1).',
  schema: z.object({ projectId: ProjectId, actor: Actor, job: JobRef }),
});

export const JobUpdated = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Job Updated',
  description: 'A job was saved as a new version.',
  schema: z.object({ projectId: ProjectId, actor: Actor, job: JobRef }),
});

export const JobDeleted = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Job Deleted',
  description: 'A job was deleted; its versions stay for the runs that name them.',
  schema: z.object({ projectId: ProjectId, actor: Actor, job: JobRef }),
});

const RunRef = z.object({ id: z.string(), jobId: z.string(), jobName: z.string(), jobVersion: z.number() });
const RunCountsDetail = z.record(z.string(), z.number());

export const RunQueued = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Run Queued',
  description: 'A run was accepted and waits for the state machine (parameter values are not included).',
  schema: z.object({ projectId: ProjectId, actor: Actor, run: RunRef, retryOf: z.string().optional(), dangerousConfirmed: z.boolean() }),
});

export const RunStarted = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Run Started',
  description: 'The run was planned: its hosts are known and the runner starts on them.',
  schema: z.object({ projectId: ProjectId, actor: Actor, run: RunRef, hosts: z.number().int() }),
});

export const RunCancelRequested = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Run Cancel Requested',
  description: 'Someone asked to cancel a run; the runner stops its steps on the hosts.',
  schema: z.object({ projectId: ProjectId, actor: Actor, run: RunRef }),
});

export const RunCompleted = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Run Completed',
  description: 'A run ended: succeeded, failed, cancelled or timed out, with how many hosts ended in each status.',
  schema: z.object({
    projectId: ProjectId,
    actor: Actor,
    run: RunRef,
    status: z.enum(['succeeded', 'failed', 'cancelled', 'timed_out']),
    counts: RunCountsDetail,
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    durationMs: z.number().optional(),
  }),
});

const ScheduleRef = z.object({ id: z.string(), name: z.string(), jobId: z.string(), expression: z.string(), timezone: z.string(), enabled: z.boolean() });

export const ScheduleCreated = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Schedule Created',
  description: 'A schedule was created (parameter values are not included).',
  schema: z.object({ projectId: ProjectId, actor: Actor, schedule: ScheduleRef }),
});

export const ScheduleUpdated = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Schedule Updated',
  description: 'A schedule was changed, enabled or disabled.',
  schema: z.object({ projectId: ProjectId, actor: Actor, schedule: ScheduleRef }),
});

export const ScheduleDeleted = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Schedule Deleted',
  description: 'A schedule was deleted; the runs it started stay.',
  schema: z.object({ projectId: ProjectId, actor: Actor, schedule: ScheduleRef }),
});

export const ScheduleFired = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Schedule Fired',
  description: 'A schedule fired at its scheduled time and started a run.',
  schema: z.object({ projectId: ProjectId, actor: Actor, scheduleId: z.string(), scheduledTime: z.string(), runId: z.string() }),
});

export const ScheduleMissed = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Schedule Missed',
  description:
    'A schedule did not start a run at its scheduled time: the previous run was still active (overlap), the stack was down past the grace window (downtime: one event per schedule and restart, with how many times were missed), or the job could not run.',
  schema: z.object({
    projectId: ProjectId,
    actor: Actor,
    scheduleId: z.string(),
    /** The (first) scheduled time missed. */
    scheduledTime: z.string(),
    reason: z.enum(['overlap', 'downtime', 'job-missing', 'confirmation-required', 'invalid-parameters', 'no-targets', 'launch-failed']),
    /** For downtime: how many scheduled times were missed, and the last of them. */
    count: z.number().int().positive().optional(),
    lastScheduledTime: z.string().optional(),
    /** For overlap: the run still active. */
    activeRunId: z.string().optional(),
    message: z.string().optional(),
  }),
});

const TriggerRef = z.object({ id: z.string(), name: z.string(), jobId: z.string(), enabled: z.boolean(), webhook: z.boolean() });

export const TriggerCreated = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Trigger Created',
  description: 'An event trigger was created (never its parameter values or webhook secret).',
  schema: z.object({ projectId: ProjectId, actor: Actor, trigger: TriggerRef }),
});

export const TriggerUpdated = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Trigger Updated',
  description: 'A trigger was changed, enabled or disabled, or its webhook secret was rotated.',
  schema: z.object({ projectId: ProjectId, actor: Actor, trigger: TriggerRef, secretRotated: z.boolean().optional() }),
});

export const TriggerDeleted = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Trigger Deleted',
  description: 'A trigger was deleted; the runs it started stay.',
  schema: z.object({ projectId: ProjectId, actor: Actor, trigger: TriggerRef }),
});

export const TriggerFired = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Trigger Fired',
  description: 'An event matched a trigger and started a run (once per event id).',
  schema: z.object({ projectId: ProjectId, actor: Actor, triggerId: z.string(), eventId: z.string(), runId: z.string() }),
});

export const TriggerFailed = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Trigger Failed',
  description: 'An event matched a trigger but no run could start (the job is gone, needs confirmation, has no targets, or the parameters do not fit).',
  schema: z.object({
    projectId: ProjectId,
    actor: Actor,
    triggerId: z.string(),
    eventId: z.string(),
    reason: z.enum(['job-missing', 'confirmation-required', 'invalid-parameters', 'no-targets', 'launch-failed']),
    message: z.string().optional(),
  }),
});

export const WebhookReceived = defineEvent({
  source: 'opsconductor.automation',
  detailType: 'Webhook Received',
  description:
    "A correctly signed, fresh webhook call for a trigger: its JSON body and the sender's delivery id, for the trigger's rule to match (the actor is the trigger's webhook). Triggers start one run per delivery id.",
  schema: z.object({ projectId: ProjectId, actor: Actor, triggerId: z.string(), deliveryId: z.string(), body: z.unknown() }),
});

// Never a recipient list, URL or secret: channels are named by id, name and kind only.
const ChannelRef = z.object({ id: z.string(), name: z.string(), kind: z.enum(['email', 'webhook', 'slack']), enabled: z.boolean() });

export const NotificationChannelCreated = defineEvent({
  source: 'opsconductor.communication',
  detailType: 'Notification Channel Created',
  description: 'A notification channel was created (never its recipients, URL or secret).',
  schema: z.object({ projectId: ProjectId, actor: Actor, channel: ChannelRef }),
});

export const NotificationChannelUpdated = defineEvent({
  source: 'opsconductor.communication',
  detailType: 'Notification Channel Updated',
  description: "A notification channel was changed, enabled or disabled, or its webhook signing secret rotated.",
  schema: z.object({ projectId: ProjectId, actor: Actor, channel: ChannelRef, changed: z.array(z.string()), secretRotated: z.boolean().optional() }),
});

export const NotificationChannelDeleted = defineEvent({
  source: 'opsconductor.communication',
  detailType: 'Notification Channel Deleted',
  description: 'A notification channel was deleted.',
  schema: z.object({ projectId: ProjectId, actor: Actor, channel: ChannelRef }),
});

const NotificationRuleRef = z.object({
  id: z.string(),
  name: z.string(),
  jobId: z.string().optional(),
  events: z.array(z.string()),
  channelIds: z.array(z.string()),
  enabled: z.boolean(),
});

export const NotificationRuleCreated = defineEvent({
  source: 'opsconductor.communication',
  detailType: 'Notification Rule Created',
  description: 'A notification rule was created: which run events of the project or a job notify which channels.',
  schema: z.object({ projectId: ProjectId, actor: Actor, rule: NotificationRuleRef }),
});

export const NotificationRuleUpdated = defineEvent({
  source: 'opsconductor.communication',
  detailType: 'Notification Rule Updated',
  description: 'A notification rule was changed, enabled or disabled.',
  schema: z.object({ projectId: ProjectId, actor: Actor, rule: NotificationRuleRef }),
});

export const NotificationRuleDeleted = defineEvent({
  source: 'opsconductor.communication',
  detailType: 'Notification Rule Deleted',
  description: 'A notification rule was deleted; its delivery log stays.',
  schema: z.object({ projectId: ProjectId, actor: Actor, rule: NotificationRuleRef }),
});

export const eventCatalog: readonly EventDefinition[] = [
  ProjectCreated,
  ProjectUpdated,
  ProjectDeleted,
  UserInvited,
  UserUpdated,
  UserDeleted,
  MemberRoleChanged,
  MemberRemoved,
  ApiKeyCreated,
  ApiKeyRevoked,
  AccessDenied,
  SettingsUpdated,
  CredentialCreated,
  CredentialRotated,
  CredentialDeleted,
  TargetCreated,
  TargetUpdated,
  TargetDeleted,
  HostKeyChanged,
  ConnectionTested,
  JobCreated,
  JobUpdated,
  JobDeleted,
  RunQueued,
  RunStarted,
  RunCancelRequested,
  RunCompleted,
  ScheduleCreated,
  ScheduleUpdated,
  ScheduleDeleted,
  ScheduleFired,
  ScheduleMissed,
  TriggerCreated,
  TriggerUpdated,
  TriggerDeleted,
  TriggerFired,
  TriggerFailed,
  WebhookReceived,
  NotificationChannelCreated,
  NotificationChannelUpdated,
  NotificationChannelDeleted,
  NotificationRuleCreated,
  NotificationRuleUpdated,
  NotificationRuleDeleted,
];

export interface CatalogEntry {
  source: EventSource;
  detailType: string;
  description: string;
  schema: Record<string, unknown>;
}

/** The catalog as consumers see it: JSON Schemas generated from the same zod schemas. */
export const catalogAsJsonSchema = (): CatalogEntry[] =>
  eventCatalog.map((e) => ({
    source: e.source,
    detailType: e.detailType,
    description: e.description,
    schema: z.toJSONSchema(e.schema, { io: 'output' }),
  }));
