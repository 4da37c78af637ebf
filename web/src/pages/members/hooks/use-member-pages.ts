import { useCallback } from 'react';
import { membersApi } from '../../../api/members';
import type { Member, PageRequest } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useCursorPages } from '../../../app/use-cursor-pages';

const keyOf = (m: Member) => m.userId;

export const useMemberPages = (projectId: string) => {
  const api = useApi(membersApi);
  const fetchPage = useCallback((page: PageRequest, signal: AbortSignal) => api.list(projectId, page, signal), [api, projectId]);
  return useCursorPages(fetchPage, keyOf);
};
