import { exportAudit, listAudit, type AuditReadDeps } from '../../../core/audit/service';
import { AuditExportQuery, AuditListQuery, ProjectAuditPath } from '../../../core/audit/schema';
import type { AuditScope } from '../../../core/ports/audit-store';
import { apiHandler, json, operation, type HttpDeps, type HttpResult } from '../http';

/** Read-only by design: the audit trail has no update or delete route. */
export const makeAuditHandler = (deps: AuditReadDeps & { exportMaxBytes?: number | undefined } & HttpDeps) => {
  const exported = async (scope: AuditScope, query: AuditExportQuery): Promise<HttpResult> => {
    const part = await exportAudit(deps, scope, query);
    const ext = query.format === 'csv' ? 'csv' : 'jsonl';
    return {
      status: 200,
      body: part.body,
      contentType: part.contentType,
      headers: {
        'Content-Disposition': `attachment; filename="audit.${ext}"`,
        'X-Audit-Records': String(part.records),
        ...(part.nextCursor === undefined ? {} : { 'X-Next-Cursor': part.nextCursor }),
      },
    };
  };
  return apiHandler(
    'audit',
    {
      listProjectAudit: operation({
        path: ProjectAuditPath,
        query: AuditListQuery,
        handle: async ({ path, query }) => json(await listAudit(deps, { kind: 'project', projectId: path.projectId }, query)),
      }),
      exportProjectAudit: operation({
        path: ProjectAuditPath,
        query: AuditExportQuery,
        handle: ({ path, query }) => exported({ kind: 'project', projectId: path.projectId }, query),
      }),
      listAudit: operation({
        query: AuditListQuery,
        handle: async ({ query }) => json(await listAudit(deps, { kind: 'all' }, query)),
      }),
      exportAudit: operation({
        query: AuditExportQuery,
        handle: ({ query }) => exported({ kind: 'all' }, query),
      }),
    },
    deps,
  );
};
