import type { ApiClient } from './client';
import type { InvitedUser, InviteUserInput, Page, PageRequest, UpdateUserInput, User } from './types';

const path = (userId: string) => `/v1/users/${encodeURIComponent(userId)}`;

/** The people who can sign in (global admins only). */
export const usersApi = (api: ApiClient) => ({
  list: (page: PageRequest, signal?: AbortSignal) =>
    api.get<Page<User>>('/v1/users', { query: { limit: page.limit, cursor: page.cursor }, ...(signal ? { signal } : {}) }),
  invite: (input: InviteUserInput) => api.post<InvitedUser>('/v1/users', input),
  update: (userId: string, input: UpdateUserInput) => api.patch<User>(path(userId), input),
  remove: (userId: string) => api.delete(path(userId)),
});

export type UsersApi = ReturnType<typeof usersApi>;
