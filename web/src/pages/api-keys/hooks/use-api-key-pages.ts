import { useCallback } from 'react';
import { apiKeysApi } from '../../../api/api-keys';
import type { ApiKey, PageRequest } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useCursorPages } from '../../../app/use-cursor-pages';

const keyOf = (k: ApiKey) => k.keyId;

export const useApiKeyPages = (projectId: string) => {
  const api = useApi(apiKeysApi);
  const fetchPage = useCallback((page: PageRequest, signal: AbortSignal) => api.list(projectId, page, signal), [api, projectId]);
  return useCursorPages(fetchPage, keyOf);
};
