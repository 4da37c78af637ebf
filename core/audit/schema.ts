import { z } from 'zod';
import { Actor } from '../identity/principal';
import { ProjectId } from '../projects/schema';

/**
 * One audit record per event on the bus (and so per denied request, which publishes `Access
 * Denied`). Records are immutable: written once, keyed by the event id, never updated; they expire
 * after the retention period. They copy ids and names only, never an event's whole detail.
 */
export const AUDIT_RETENTION_DAYS_DEFAULT = 365;
/** The widest range one list or export request may span (day partitions are read one by one). */
export const AUDIT_MAX_RANGE_DAYS = 400;
/** When `from` is not given: the last 7 days before `to`. */
export const AUDIT_DEFAULT_RANGE_DAYS = 7;

export const resourceTypes = ['run', 'job', 'target', 'credential', 'apiKey', 'member', 'user', 'schedule', 'trigger', 'channel', 'notificationRule', 'project'] as const;
export const ResourceType = z.enum(resourceTypes);
export type ResourceType = z.infer<typeof ResourceType>;

export const AuditResource = z.object({ type: ResourceType, id: z.string(), name: z.string().optional() });
export type AuditResource = z.infer<typeof AuditResource>;

export const AuditRecord = z.object({
  eventId: z.string(),
  /** The event's time, UTC ISO with milliseconds. */
  time: z.iso.datetime(),
  source: z.string(),
  /** The event's detail-type: `Job Created`, `Access Denied`, … */
  action: z.string(),
  outcome: z.enum(['success', 'denied']),
  actor: Actor,
  projectId: z.string().optional(),
  /** The most specific resource the event names (a run before its job, a job before its project). */
  resource: AuditResource.optional(),
  /** Every resource id the event names, for the `resource` filter. */
  resourceIds: z.array(z.string()),
  /** For denied requests: the route template refused (never the concrete path or its query). */
  route: z.object({ id: z.string(), method: z.string(), path: z.string() }).optional(),
  /** HTTP status a denied request was answered with. */
  answered: z.number().int().optional(),
  requestId: z.string().optional(),
  sourceIp: z.string().optional(),
  /** Epoch seconds after which the record is gone (DynamoDB TTL on AWS, the sweep locally). */
  expiresAt: z.number().int(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

const isoInstant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const filterText = z.string().min(1).max(256);

export const AuditFilterQuery = z.strictObject({
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  actor: filterText.optional(),
  action: filterText.optional(),
  resource: filterText.optional(),
});

export const AuditListQuery = AuditFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});
export type AuditListQuery = z.infer<typeof AuditListQuery>;

export const AuditExportQuery = AuditFilterQuery.extend({
  format: z.enum(['csv', 'jsonl']).default('jsonl'),
  cursor: z.string().min(1).max(2048).optional(),
});
export type AuditExportQuery = z.infer<typeof AuditExportQuery>;

export const ProjectAuditPath = z.strictObject({ projectId: ProjectId });
