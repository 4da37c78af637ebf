import { badRequest } from '../errors';
import { ProjectUpdated } from '../events/catalog';
import type { AuditFilter, AuditScope, AuditStore } from '../ports/audit-store';
import type { ProjectStore } from '../ports/project-store';
import type { Page } from '../pagination';
import { csvHeader, csvLine, jsonLine } from './export';
import { AuditableEvent, auditRecordOf } from './record';
import { AUDIT_DEFAULT_RANGE_DAYS, AUDIT_MAX_RANGE_DAYS, type AuditExportQuery, type AuditListQuery, type AuditRecord } from './schema';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AuditConsumerDeps {
  audit: Pick<AuditStore, 'put'>;
  /** The installation's retention (AUDIT_RETENTION_DAYS on AWS): records of no project, and projects that never set theirs. */
  retentionDays?: number | undefined;
  /** A project's own `settings.auditRetentionDays`, if it set one (`projectRetentionLookup`). */
  projectRetention?: ProjectRetention | undefined;
}

export interface ProjectRetention {
  of(projectId: string): Promise<number | undefined>;
  /** The project changed: read it again next time. */
  forget(projectId: string): void;
}

/**
 * The bus consumer: one immutable record per event, idempotent by event id (a redelivered event
 * finds its record and writes nothing). An envelope that is not ours is refused, so it is retried
 * and dead-lettered rather than silently lost. A record expires after its project's retention,
 * as set when it is written.
 */
export const recordEvent = async (deps: AuditConsumerDeps, event: unknown): Promise<{ written: boolean; record: AuditRecord }> => {
  const parsed = AuditableEvent.safeParse(event);
  if (!parsed.success) throw new Error(`Not an OpsConductor event: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const installation = deps.retentionDays === undefined ? {} : { retentionDays: deps.retentionDays };
  let record = auditRecordOf(parsed.data, installation);
  // This consumer sees every Project Updated: a changed retention applies from here on, not after the cache expires.
  if (record.projectId !== undefined && parsed.data.source === ProjectUpdated.source && parsed.data['detail-type'] === ProjectUpdated.detailType) {
    deps.projectRetention?.forget(record.projectId);
  }
  const projectDays = record.projectId === undefined || deps.projectRetention === undefined ? undefined : await deps.projectRetention.of(record.projectId);
  if (projectDays !== undefined) record = auditRecordOf(parsed.data, { retentionDays: projectDays });
  return { written: await deps.audit.put(record), record };
};

/** How long a looked-up retention is trusted: a changed setting applies to records written after this, at the latest. */
export const PROJECT_RETENTION_CACHE_MS = 5 * 60 * 1000;

/**
 * A project's audit retention, read from its item and kept for a few minutes: every event of a
 * project would otherwise read the project once more. A deleted project has none (the default
 * applies). On AWS each consumer container has its own cache, and only the one that handles the
 * Project Updated forgets early; the others follow within `cacheMs`.
 */
export const projectRetentionLookup = (projects: Pick<ProjectStore, 'get'>, clock: { now(): Date }, cacheMs = PROJECT_RETENTION_CACHE_MS): ProjectRetention => {
  const cache = new Map<string, { days: number | undefined; until: number }>();
  return {
    of: async (projectId) => {
      const now = clock.now().getTime();
      const hit = cache.get(projectId);
      if (hit !== undefined && hit.until > now) return hit.days;
      const days = (await projects.get(projectId))?.settings?.auditRetentionDays;
      cache.set(projectId, { days, until: now + cacheMs });
      return days;
    },
    forget: (projectId) => {
      cache.delete(projectId);
    },
  };
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
