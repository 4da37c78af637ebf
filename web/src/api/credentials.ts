import type { ApiClient } from './client';
import type { Credential, CredentialInput, Page, PageRequest } from './types';

const base = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}/credentials`;
const path = (projectId: string, credentialId: string) => `${base(projectId)}/${encodeURIComponent(credentialId)}`;

/** A project's credentials: metadata for members, material write-only for admins (create and rotate). */
export const credentialsApi = (api: ApiClient) => ({
  list: (projectId: string, page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<Credential>>(base(projectId), { query: { limit: page.limit, cursor: page.cursor }, ...(signal ? { signal } : {}) }),
  create: (projectId: string, input: CredentialInput) => api.post<Credential>(base(projectId), input),
  /** Replaces the material (and the metadata); the kind must stay the same. */
  rotate: (projectId: string, credentialId: string, input: CredentialInput) => api.put<Credential>(path(projectId, credentialId), input),
  remove: (projectId: string, credentialId: string) => api.delete(path(projectId, credentialId)),
});

export type CredentialsApi = ReturnType<typeof credentialsApi>;
