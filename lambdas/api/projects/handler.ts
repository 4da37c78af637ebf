import { PageQuery } from '../../../core/pagination';
import { CreateProjectInput, ProjectPath, UpdateProjectInput } from '../../../core/projects/schema';
import {
  createProject,
  deleteProject,
  getProject,
  listProjects,
  updateProject,
  type ProjectDeps,
} from '../../../core/projects/service';
import { apiHandler, json, noContent, operation, type HttpDeps } from '../http';

export const makeProjectsHandler = (deps: ProjectDeps & HttpDeps) =>
  apiHandler(
    'projects',
    {
      listProjects: operation({
        query: PageQuery,
        handle: async ({ query, principal }) => json(await listProjects(deps, principal, query)),
      }),
      createProject: operation({
        body: CreateProjectInput,
        handle: async ({ body, principal }) => {
          const project = await createProject(deps, principal, body);
          return { status: 201, body: project, headers: { Location: `/v1/projects/${project.id}` } };
        },
      }),
      getProject: operation({
        path: ProjectPath,
        handle: async ({ path }) => json(await getProject(deps, path.projectId)),
      }),
      updateProject: operation({
        path: ProjectPath,
        body: UpdateProjectInput,
        handle: async ({ path, body, principal }) => json(await updateProject(deps, principal, path.projectId, body)),
      }),
      deleteProject: operation({
        path: ProjectPath,
        handle: async ({ path, principal }) => {
          await deleteProject(deps, principal, path.projectId);
          return noContent();
        },
      }),
    },
    deps,
  );
