import { useCallback } from 'react';
import { auditApi, type AuditFilter, type AuditRecord } from '../../../api/audit';
import type { PageRequest } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useCursorPages } from '../../../app/use-cursor-pages';

const keyOf = (r: AuditRecord) => r.eventId;

/** A project's audit records, newest first, a page at a time, filtered. Nothing is fetched unless `enabled`. */
export const useAudit = (projectId: string, filter: AuditFilter, enabled: boolean) => {
  const api = useApi(auditApi);
  const { from, to, actor, action, resource } = filter;
  const fetchPage = useCallback(
    (page: PageRequest, signal: AbortSignal) => api.list(projectId, { from, to, actor, action, resource }, page, signal),
    [api, projectId, from, to, actor, action, resource],
  );
  return useCursorPages<AuditRecord>(fetchPage, keyOf, { enabled });
};
