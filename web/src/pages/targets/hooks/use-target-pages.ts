import { useCallback } from 'react';
import { targetsApi } from '../../../api/targets';
import type { PageRequest, Target, TargetFilter } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useCursorPages } from '../../../app/use-cursor-pages';

const keyOf = (t: Target) => t.id;

/** The targets the filter selects, a page at a time; a new filter starts again from the first page. */
export const useTargetPages = (projectId: string, filter: TargetFilter) => {
  const api = useApi(targetsApi);
  const { selector, namePrefix, protocol } = filter;
  const fetchPage = useCallback(
    (page: PageRequest, signal: AbortSignal) => api.list(projectId, { selector, namePrefix, protocol }, page, signal),
    [api, projectId, selector, namePrefix, protocol],
  );
  return useCursorPages(fetchPage, keyOf);
};
