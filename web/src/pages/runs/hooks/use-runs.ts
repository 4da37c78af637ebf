import { useCallback } from 'react';
import { runsApi, type Run, type RunStatus } from '../../../api/runs';
import type { PageRequest } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useCursorPages } from '../../../app/use-cursor-pages';

const keyOf = (run: Run) => run.id;

/** A project's runs, newest first, a page at a time; filtered by status and job. */
export const useRuns = (projectId: string, status: RunStatus | undefined, jobId: string | undefined) => {
  const api = useApi(runsApi);
  const fetchPage = useCallback(
    (page: PageRequest, signal: AbortSignal) => api.list(projectId, { status, jobId }, page, signal),
    [api, projectId, status, jobId],
  );
  return useCursorPages<Run>(fetchPage, keyOf);
};
