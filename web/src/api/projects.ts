import type { ApiClient } from './client';
import type { CreateProjectInput, Page, PageRequest, Project, UpdateProjectInput } from './types';

const path = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}`;

export const projectsApi = (api: ApiClient) => ({
  list: (page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<Project>>('/v1/projects', { query: { limit: page.limit, cursor: page.cursor }, ...(signal ? { signal } : {}) }),
  get: (projectId: string, signal?: AbortSignal) => api.get<Project>(path(projectId), signal ? { signal } : {}),
  create: (input: CreateProjectInput) => api.post<Project>('/v1/projects', input),
  update: (projectId: string, input: UpdateProjectInput) => api.patch<Project>(path(projectId), input),
  remove: (projectId: string) => api.delete(path(projectId)),
});

export type ProjectsApi = ReturnType<typeof projectsApi>;
