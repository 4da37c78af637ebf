import type { ApiClient } from './client';
import type { Page, PageRequest } from './types';

export interface AuditRecord {
  eventId: string;
  time: string;
  source: string;
  /** The event's detail-type: `Job Created`, `Access Denied`, … */
  action: string;
  outcome: 'success' | 'denied';
  actor: { type: 'user' | 'apiKey' | 'system'; id: string; name?: string };
  projectId?: string;
  resource?: { type: string; id: string; name?: string };
  resourceIds: string[];
  route?: { id: string; method: string; path: string };
  answered?: number;
  requestId?: string;
  sourceIp?: string;
}

export interface AuditFilter {
  /** ISO instants. */
  from?: string | undefined;
  to?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  resource?: string | undefined;
}

export type AuditExportFormat = 'csv' | 'jsonl';

const base = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}/audit`;
const signalOf = (signal?: AbortSignal) => (signal ? { signal } : {});
const queryOf = (f: AuditFilter) => ({ from: f.from, to: f.to, actor: f.actor, action: f.action, resource: f.resource });

/** A project's audit trail, read by its admins: a page at a time, or exported in parts. */
export const auditApi = (api: ApiClient) => ({
  list: (projectId: string, filter: AuditFilter, page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<AuditRecord>>(base(projectId), { query: { ...queryOf(filter), limit: page.limit, cursor: page.cursor }, ...signalOf(signal) }),
  /** The whole export: every part, following X-Next-Cursor, concatenated (parts are made to concatenate). */
  exportAll: async (projectId: string, filter: AuditFilter, format: AuditExportFormat, signal?: AbortSignal): Promise<string> => {
    const parts: string[] = [];
    let cursor: string | undefined;
    do {
      const part = await api.getText(`${base(projectId)}/export`, { query: { ...queryOf(filter), format, cursor }, ...signalOf(signal) });
      parts.push(part.text);
      const next = part.headers.get('X-Next-Cursor');
      cursor = next === null || next === '' ? undefined : next;
    } while (cursor !== undefined);
    return parts.join('');
  },
});

export type AuditApi = ReturnType<typeof auditApi>;
