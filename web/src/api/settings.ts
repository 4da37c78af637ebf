import type { ApiClient } from './client';
import type { Settings } from './types';

/** Installation-wide settings: anyone signed in reads them, global admins change them. */
export const settingsApi = (api: ApiClient) => ({
  get: (signal?: AbortSignal) => api.get<Settings>('/v1/settings', signal ? { signal } : {}),
  update: (input: Settings) => api.patch<Settings>('/v1/settings', input),
});

export type SettingsApi = ReturnType<typeof settingsApi>;
