import { z } from 'zod';
import { AccessDenied } from '../events/catalog';
import { Actor } from '../identity/principal';
import { AUDIT_RETENTION_DAYS_DEFAULT, type AuditRecord, type AuditResource, type ResourceType } from './schema';

/** What the audit consumer accepts: an EventBridge envelope from one of our sources. */
export const AuditableEvent = z.object({
  id: z.string().min(1).max(128),
  'detail-type': z.string().min(1).max(128),
  source: z.string().startsWith('opsconductor.'),
  time: z.iso.datetime({ offset: true }),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditableEvent = z.infer<typeof AuditableEvent>;

const DAY_SECONDS = 24 * 60 * 60;
const SYSTEM: AuditRecord['actor'] = { type: 'system', id: 'system' };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/**
 * Where each resource's id (and name) sits in an event detail, most specific first: the first one
 * present becomes the record's `resource`, and all present go into `resourceIds`. Only these
 * fields are read, so nothing else in a detail (addresses, usernames, values) reaches a record.
 */
const locations: { type: ResourceType; object?: string; idField: string; nameField?: string; flat?: string }[] = [
  { type: 'run', object: 'run', idField: 'id', flat: 'runId' },
  { type: 'job', object: 'job', idField: 'id', nameField: 'name', flat: 'jobId' },
  { type: 'target', object: 'target', idField: 'id', nameField: 'name', flat: 'targetId' },
  { type: 'credential', object: 'credential', idField: 'id', nameField: 'name', flat: 'credentialId' },
  { type: 'apiKey', object: 'apiKey', idField: 'keyId', nameField: 'name', flat: 'keyId' },
  { type: 'member', object: 'member', idField: 'userId' },
  { type: 'user', object: 'user', idField: 'userId', flat: 'userId' },
  { type: 'schedule', object: 'schedule', idField: 'id', nameField: 'name', flat: 'scheduleId' },
  { type: 'trigger', object: 'trigger', idField: 'id', nameField: 'name', flat: 'triggerId' },
  { type: 'channel', object: 'channel', idField: 'id', nameField: 'name', flat: 'channelId' },
  { type: 'notificationRule', object: 'rule', idField: 'id', nameField: 'name', flat: 'ruleId' },
  { type: 'project', object: 'project', idField: 'id', nameField: 'name', flat: 'projectId' },
];

const resourcesOf = (detail: Record<string, unknown>): AuditResource[] => {
  const found: AuditResource[] = [];
  for (const loc of locations) {
    const nested = loc.object === undefined ? undefined : obj(detail[loc.object]);
    const id = str(nested?.[loc.idField]) ?? (loc.flat === undefined ? undefined : str(detail[loc.flat]));
    if (id === undefined) continue;
    const name = nested && loc.nameField !== undefined ? str(nested[loc.nameField]) : undefined;
    found.push({ type: loc.type, id, ...(name === undefined ? {} : { name }) });
  }
  // A run names its job by id only.
  const runJob = str(obj(detail.run)?.jobId);
  if (runJob !== undefined && !found.some((r) => r.id === runJob)) found.push({ type: 'job', id: runJob });
  return found;
};

const actorOfDetail = (detail: Record<string, unknown>): AuditRecord['actor'] => {
  const parsed = Actor.safeParse(detail.actor);
  if (!parsed.success) return SYSTEM;
  const { type, id, name } = parsed.data;
  return { type, id, ...(name === undefined ? {} : { name }) };
};

export interface AuditOptions {
  /** Days a record is kept; its `expiresAt` counts from the event's time. */
  retentionDays?: number;
}

/**
 * The audit record of one event: who, what, which resource, which project, when, from which
 * request, with which outcome. Copies named fields only — never the detail as a whole.
 */
export const auditRecordOf = (event: AuditableEvent, opts: AuditOptions = {}): AuditRecord => {
  const { detail } = event;
  const time = new Date(event.time);
  const denied = event.source === AccessDenied.source && event['detail-type'] === AccessDenied.detailType;
  const resources = resourcesOf(detail);
  const projectId = str(detail.projectId) ?? str(obj(detail.project)?.id);
  const route = obj(detail.route);
  const routeRef =
    route && str(route.id) !== undefined && str(route.method) !== undefined && str(route.path) !== undefined
      ? { id: String(route.id), method: String(route.method), path: String(route.path) }
      : undefined;
  const requestId = str(detail.requestId);
  const sourceIp = str(detail.sourceIp);
  const retentionDays = opts.retentionDays ?? AUDIT_RETENTION_DAYS_DEFAULT;
  const [primary] = resources;
  return {
    eventId: event.id,
    time: time.toISOString(),
    source: event.source,
    action: event['detail-type'],
    outcome: denied ? 'denied' : 'success',
    actor: actorOfDetail(detail),
    ...(projectId === undefined ? {} : { projectId }),
    ...(primary === undefined ? {} : { resource: primary }),
    resourceIds: [...new Set(resources.map((r) => r.id))],
    ...(denied && routeRef ? { route: routeRef } : {}),
    ...(denied && typeof detail.answered === 'number' ? { answered: detail.answered } : {}),
    ...(requestId === undefined ? {} : { requestId }),
    ...(sourceIp === undefined ? {} : { sourceIp }),
    expiresAt: Math.floor(time.getTime() / 1000) + retentionDays * DAY_SECONDS,
  };
};
