import type { AuditRecord } from '../audit/schema';
import type { Page } from '../pagination';

/** Whose records: one project's, or every project's and the installation's own (global admins). */
export type AuditScope = { kind: 'project'; projectId: string } | { kind: 'all' };

export interface AuditFilter {
  /** An actor id or name, matched exactly. */
  actor?: string | undefined;
  /** A detail-type, matched exactly (`Job Created`). */
  action?: string | undefined;
  /** Any resource id the record names. */
  resource?: string | undefined;
}

export interface AuditQuery {
  scope: AuditScope;
  /** Inclusive bounds on the record's time. */
  from: Date;
  to: Date;
  filter: AuditFilter;
  /** Records whose `expiresAt` is at or before now are not returned (dynalite has no TTL). */
  now: Date;
  limit: number;
  cursor?: string | undefined;
}

export interface AuditStore {
  /** Writes the record unless one with its event id exists; answers whether it wrote. */
  put(record: AuditRecord): Promise<boolean>;
  /** Newest first; a page may be short and still carry a cursor when filters skip many records. */
  query(q: AuditQuery): Promise<Page<AuditRecord>>;
}
