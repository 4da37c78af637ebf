import type { AuditRecord } from './schema';

/** The export's CSV columns, in order; the first line of the first page names them. */
export const csvColumns = [
  'time',
  'eventId',
  'projectId',
  'action',
  'outcome',
  'actorType',
  'actorId',
  'actorName',
  'resourceType',
  'resourceId',
  'resourceName',
  'requestId',
  'sourceIp',
  'route',
  'source',
] as const;

const cells = (r: AuditRecord): Record<(typeof csvColumns)[number], string> => ({
  time: r.time,
  eventId: r.eventId,
  projectId: r.projectId ?? '',
  action: r.action,
  outcome: r.outcome,
  actorType: r.actor.type,
  actorId: r.actor.id,
  actorName: r.actor.name ?? '',
  resourceType: r.resource?.type ?? '',
  resourceId: r.resource?.id ?? '',
  resourceName: r.resource?.name ?? '',
  requestId: r.requestId ?? '',
  sourceIp: r.sourceIp ?? '',
  route: r.route ? `${r.route.method} ${r.route.path}` : '',
  source: r.source,
});

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled. A
 * value a spreadsheet would run as a formula (= + - @ tab CR first) gets a leading `'` (OWASP
 * CSV-injection advice), so names people chose cannot execute when the file is opened.
 */
export const csvField = (value: string): string => {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const csvHeader = (): string => `${csvColumns.join(',')}\r\n`;
export const csvLine = (r: AuditRecord): string => {
  const c = cells(r);
  return `${csvColumns.map((k) => csvField(c[k])).join(',')}\r\n`;
};

/** JSON Lines: one record per line, as the list API shows it. */
export const jsonLine = (r: AuditRecord): string => `${JSON.stringify(r)}\n`;
