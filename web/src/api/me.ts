import type { ApiClient } from './client';
import type { Me } from './types';

export const getMe = (api: ApiClient, signal?: AbortSignal) => api.get<Me>('/v1/me', signal ? { signal } : {});
