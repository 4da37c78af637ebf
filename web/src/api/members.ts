import type { ApiClient } from './client';
import type { Member, Page, PageRequest, ProjectRole } from './types';

const base = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}/members`;
const path = (projectId: string, userId: string) => `${base(projectId)}/${encodeURIComponent(userId)}`;

/** A project's members and their roles. */
export const membersApi = (api: ApiClient) => ({
  list: (projectId: string, page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<Member>>(base(projectId), { query: { limit: page.limit, cursor: page.cursor }, ...(signal ? { signal } : {}) }),
  /** Adds the user, or changes their role when they are a member already. */
  put: (projectId: string, userId: string, role: ProjectRole) => api.put<Member>(path(projectId, userId), { role }),
  remove: (projectId: string, userId: string) => api.delete(path(projectId, userId)),
});

export type MembersApi = ReturnType<typeof membersApi>;
