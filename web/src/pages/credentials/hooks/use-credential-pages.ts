import { useCallback } from 'react';
import { credentialsApi } from '../../../api/credentials';
import type { Credential, PageRequest } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useCursorPages } from '../../../app/use-cursor-pages';

const keyOf = (c: Credential) => c.id;

export const useCredentialPages = (projectId: string) => {
  const api = useApi(credentialsApi);
  const fetchPage = useCallback((page: PageRequest, signal: AbortSignal) => api.list(projectId, page, signal), [api, projectId]);
  return useCursorPages(fetchPage, keyOf);
};
