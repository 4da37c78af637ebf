import { z } from 'zod';
import { AppError } from '../../../core/errors';
import { HostListQuery, IdempotencyKey, JobRunsPath, OutputQuery, OutputsQuery, RunListQuery, RunPath, StartRunInput } from '../../../core/runs/schema';
import { cancelRun, getRun, listRunHosts, listRuns, readRunOutput, readRunOutputs, retryRun, runView, startRun, type RunDeps } from '../../../core/runs/service';
import { ProjectPath } from '../../../core/projects/schema';
import { apiHandler, json, operation, type HttpDeps } from '../http';

/** `Idempotency-Key`: the same key answers the same run; a malformed one is refused, not ignored. */
const idempotencyKeyOf = (headers: Readonly<Record<string, string>>): string | undefined => {
  const raw = headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const parsed = IdempotencyKey.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', 'The Idempotency-Key header is not valid.', [{ location: 'header', path: 'Idempotency-Key', message: parsed.error.issues[0]?.message ?? 'is not valid' }]);
  }
  return parsed.data;
};

const RetryInput = z.strictObject({ confirmDangerous: z.boolean().default(false) });

export const makeRunsHandler = (deps: RunDeps & HttpDeps) =>
  apiHandler(
    'runs',
    {
      startRun: operation({
        path: JobRunsPath,
        body: StartRunInput,
        handle: async ({ path, body, principal, role, headers }) => {
          const { run, created } = await startRun(deps, principal, role, path.projectId, path.jobId, body, idempotencyKeyOf(headers));
          return json(runView(run), created ? 201 : 200);
        },
      }),
      listRuns: operation({
        path: ProjectPath,
        query: RunListQuery,
        handle: async ({ path, query }) => {
          const page = await listRuns(deps, path.projectId, query);
          return json({ ...page, items: page.items.map(runView) });
        },
      }),
      getRun: operation({
        path: RunPath,
        handle: async ({ path }) => json(runView(await getRun(deps, path.projectId, path.runId))),
      }),
      listRunHosts: operation({
        path: RunPath,
        query: HostListQuery,
        handle: async ({ path, query }) => json(await listRunHosts(deps, path.projectId, path.runId, query)),
      }),
      getRunOutput: operation({
        path: RunPath,
        query: OutputQuery,
        handle: async ({ path, query }) =>
          json(await readRunOutput(deps, path.projectId, path.runId, query.targetId, query.cursor === undefined ? 0 : Number(query.cursor), query.maxBytes)),
      }),
      getRunOutputs: operation({
        path: RunPath,
        query: OutputsQuery,
        handle: async ({ path, query }) => json(await readRunOutputs(deps, path.projectId, path.runId, query.cursors, query.maxBytes)),
      }),
      cancelRun: operation({
        path: RunPath,
        handle: async ({ path, principal }) => json(runView(await cancelRun(deps, principal, path.projectId, path.runId)), 202),
      }),
      retryRun: operation({
        path: RunPath,
        body: RetryInput,
        handle: async ({ path, body, principal, role, headers }) => {
          const { run, created } = await retryRun(deps, principal, role, path.projectId, path.runId, body, idempotencyKeyOf(headers));
          return json(runView(run), created ? 201 : 200);
        },
      }),
    },
    deps,
  );
