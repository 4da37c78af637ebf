import { useCallback } from 'react';
import type { PageRequest, User } from '../../../api/types';
import { usersApi } from '../../../api/users';
import { useApi } from '../../../app/services';
import { useCursorPages } from '../../../app/use-cursor-pages';

const keyOf = (u: User) => u.userId;

export const useUserPages = (enabled: boolean) => {
  const api = useApi(usersApi);
  const fetchPage = useCallback((page: PageRequest, signal: AbortSignal) => api.list(page, signal), [api]);
  return useCursorPages(fetchPage, keyOf, { enabled });
};
