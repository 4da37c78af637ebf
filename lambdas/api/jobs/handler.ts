import { AppError } from '../../../core/errors';
import { JobGetQuery, JobInput, JobPath } from '../../../core/jobs/schema';
import { createJob, deleteJob, getJob, jobToYaml, listJobs, listJobVersions, replaceJob, type JobDeps } from '../../../core/jobs/service';
import { PageQuery } from '../../../core/pagination';
import { ProjectPath } from '../../../core/projects/schema';
import { apiHandler, json, noContent, operation, type HttpDeps } from '../http';

/** `If-Match: 3` (or `"3"`) guards a replacement against a colleague's newer version. */
const expectedVersion = (headers: Readonly<Record<string, string>>): number | undefined => {
  const raw = headers['if-match'];
  if (raw === undefined) return undefined;
  const version = Number(raw.replace(/^W\//, '').replaceAll('"', ''));
  if (!Number.isInteger(version) || version < 1) throw new AppError('BAD_REQUEST', 'If-Match must be the job version you last read, e.g. If-Match: 3.');
  return version;
};

export const makeJobsHandler = (deps: JobDeps & HttpDeps) =>
  apiHandler(
    'jobs',
    {
      listJobs: operation({
        path: ProjectPath,
        query: PageQuery,
        handle: async ({ path, query }) => json(await listJobs(deps, path.projectId, query)),
      }),
      createJob: operation({
        path: ProjectPath,
        body: JobInput,
        acceptsYaml: true,
        handle: async ({ path, body, principal }) => json(await createJob(deps, principal, path.projectId, body), 201),
      }),
      getJob: operation({
        path: JobPath,
        query: JobGetQuery,
        handle: async ({ path, query }) => {
          const job = await getJob(deps, path.projectId, path.jobId);
          return query.format === 'yaml' ? { status: 200, body: jobToYaml(job), contentType: 'application/yaml; charset=utf-8' } : json(job);
        },
      }),
      replaceJob: operation({
        path: JobPath,
        body: JobInput,
        acceptsYaml: true,
        handle: async ({ path, body, principal, headers }) => json(await replaceJob(deps, principal, path.projectId, path.jobId, body, expectedVersion(headers))),
      }),
      deleteJob: operation({
        path: JobPath,
        handle: async ({ path, principal }) => {
          await deleteJob(deps, principal, path.projectId, path.jobId);
          return noContent();
        },
      }),
      listJobVersions: operation({
        path: JobPath,
        query: PageQuery,
        handle: async ({ path, query }) => json(await listJobVersions(deps, path.projectId, path.jobId, query)),
      }),
    },
    deps,
  );
