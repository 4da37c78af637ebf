import type { ApiClient } from './client';
import type { ApiKey, CreateApiKeyInput, CreatedApiKey, Page, PageRequest } from './types';

const base = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}/api-keys`;

/** A project's API keys (project admins). */
export const apiKeysApi = (api: ApiClient) => ({
  list: (projectId: string, page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<ApiKey>>(base(projectId), { query: { limit: page.limit, cursor: page.cursor }, ...(signal ? { signal } : {}) }),
  create: (projectId: string, input: CreateApiKeyInput) => api.post<CreatedApiKey>(base(projectId), input),
  revoke: (projectId: string, keyId: string) => api.delete(`${base(projectId)}/${encodeURIComponent(keyId)}`),
});

export type ApiKeysApi = ReturnType<typeof apiKeysApi>;
