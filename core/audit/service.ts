import { badRequest } from '../errors';
import type { AuditFilter, AuditScope, AuditStore } from '../ports/audit-store';
import type { Page } from '../pagination';
import { csvHeader, csvLine, jsonLine } from './export';
import { AuditableEvent, auditRecordOf } from './record';
import { AUDIT_DEFAULT_RANGE_DAYS, AUDIT_MAX_RANGE_DAYS, type AuditExportQuery, type AuditListQuery, type AuditRecord } from './schema';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AuditConsumerDeps {
  audit: Pick<AuditStore, 'put'>;
  retentionDays?: number | undefined;
}

/**
 * The bus consumer: one immutable record per event, idempotent by event id (a redelivered event
 * finds its record and writes nothing). An envelope that is not ours is refused, so it is retried
 * and dead-lettered rather than silently lost.
 */
export const recordEvent = async (deps: AuditConsumerDeps, event: unknown): Promise<{ written: boolean; record: AuditRecord }> => {
  const parsed = AuditableEvent.safeParse(event);
  if (!parsed.success) throw new Error(`Not an OpsConductor event: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const record = auditRecordOf(parsed.data, deps.retentionDays === undefined ? {} : { retentionDays: deps.retentionDays });
  return { written: await deps.audit.put(record), record };
};

export interface AuditReadDeps {
  audit: Pick<AuditStore, 'query'>;
  clock: { now(): Date };
}

/** `to` defaults to now, `from` to 7 days before `to`; at most AUDIT_MAX_RANGE_DAYS apart. */
export const resolveRange = (now: Date, from: Date | undefined, to: Date | undefined): { from: Date; to: Date } => {
  const end = to ?? now;
  const start = from ?? new Date(end.getTime() - AUDIT_DEFAULT_RANGE_DAYS * DAY_MS);
  if (start.getTime() > end.getTime()) throw badRequest('`from` must not be after `to`.', { from: start.toISOString(), to: end.toISOString() });
  if (end.getTime() - start.getTime() > AUDIT_MAX_RANGE_DAYS * DAY_MS) {
    throw badRequest(`A range may span at most ${AUDIT_MAX_RANGE_DAYS} days.`, { maxDays: AUDIT_MAX_RANGE_DAYS });
  }
  return { from: start, to: end };
};

const filterOf = (q: { actor?: string | undefined; action?: string | undefined; resource?: string | undefined }): AuditFilter => ({
  actor: q.actor,
  action: q.action,
  resource: q.resource,
});

export const listAudit = (deps: AuditReadDeps, scope: AuditScope, q: AuditListQuery): Promise<Page<AuditRecord>> => {
  const now = deps.clock.now();
  const range = resolveRange(now, q.from, q.to);
  return deps.audit.query({ scope, ...range, filter: filterOf(q), now, limit: q.limit, cursor: q.cursor });
};

/**
 * API Gateway answers at most 10 MB and a Lambda at most 6 MB, so an export is cut into parts of
 * at most this many bytes, each ending on a record; `nextCursor` asks for the next part.
 */
export const EXPORT_PART_MAX_BYTES = 5 * 1024 * 1024;
const EXPORT_READ_PAGE = 1000;

export interface AuditExport {
  body: string;
  contentType: string;
  records: number;
  nextCursor?: string;
}

/**
 * The whole range, newest first, as CSV (header on the first part only, so parts concatenate into
 * one file) or JSON Lines, up to `maxBytes` per part.
 */
export const exportAudit = async (
  deps: AuditReadDeps & { exportMaxBytes?: number | undefined },
  scope: AuditScope,
  q: AuditExportQuery,
): Promise<AuditExport> => {
  const now = deps.clock.now();
  const range = resolveRange(now, q.from, q.to);
  const maxBytes = deps.exportMaxBytes ?? EXPORT_PART_MAX_BYTES;
  const line = q.format === 'csv' ? csvLine : jsonLine;
  const parts: string[] = q.format === 'csv' && q.cursor === undefined ? [csvHeader()] : [];
  let bytes = Buffer.byteLength(parts.join(''), 'utf8');
  let records = 0;
  let cursor = q.cursor;
  for (;;) {
    const page = await deps.audit.query({ scope, ...range, filter: filterOf(q), now, limit: EXPORT_READ_PAGE, cursor });
    for (const [i, record] of page.items.entries()) {
      const text = line(record);
      const size = Buffer.byteLength(text, 'utf8');
      if (bytes + size > maxBytes && records > 0) {
        // The next part starts at the record that did not fit: re-read this page's records taken so far for their cursor.
        const next = i === 0 ? cursor : (await deps.audit.query({ scope, ...range, filter: filterOf(q), now, limit: i, cursor })).nextCursor;
        return partOf(q.format, parts, records, next);
      }
      parts.push(text);
      bytes += size;
      records++;
    }
    if (page.nextCursor === undefined) return partOf(q.format, parts, records, undefined);
    cursor = page.nextCursor;
  }
};

const partOf = (format: 'csv' | 'jsonl', parts: string[], records: number, nextCursor: string | undefined): AuditExport => ({
  body: parts.join(''),
  contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
  records,
  ...(nextCursor === undefined ? {} : { nextCursor }),
});
