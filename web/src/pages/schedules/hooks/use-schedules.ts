import { useCallback, useEffect, useState } from 'react';
import { jobsApi, type Job } from '../../../api/jobs';
import { schedulesApi, type Schedule } from '../../../api/schedules';
import type { PageRequest } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useCursorPages } from '../../../app/use-cursor-pages';

const keyOf = (s: Schedule) => s.id;

/** A project's schedules, a page at a time. */
export const useSchedules = (projectId: string) => {
  const api = useApi(schedulesApi);
  const fetchPage = useCallback((page: PageRequest, signal: AbortSignal) => api.list(projectId, page, signal), [api, projectId]);
  return useCursorPages<Schedule>(fetchPage, keyOf);
};

/** The project's jobs (the first hundred), for naming a schedule's job and choosing one. */
export const useProjectJobs = (projectId: string): { jobs: Job[]; loading: boolean; error: string | undefined } => {
  const api = useApi(jobsApi);
  const [state, setState] = useState<{ jobs: Job[]; loading: boolean; error: string | undefined }>({ jobs: [], loading: true, error: undefined });
  useEffect(() => {
    const controller = new AbortController();
    api
      .list(projectId, { limit: 100 }, controller.signal)
      .then((page) => {
        setState({ jobs: page.items, loading: false, error: undefined });
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setState({ jobs: [], loading: false, error: e instanceof Error ? e.message : 'The jobs could not be loaded.' });
      });
    return () => {
      controller.abort();
    };
  }, [api, projectId]);
  return state;
};
