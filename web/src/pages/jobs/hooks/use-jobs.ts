import { useCallback } from 'react';
import { jobsApi, type Job } from '../../../api/jobs';
import type { PageRequest } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useCursorPages } from '../../../app/use-cursor-pages';

const keyOf = (job: Job) => job.id;

/** A project's jobs, a page at a time. */
export const useJobs = (projectId: string) => {
  const api = useApi(jobsApi);
  const fetchPage = useCallback((page: PageRequest, signal: AbortSignal) => api.list(projectId, page, signal), [api, projectId]);
  return useCursorPages<Job>(fetchPage, keyOf);
};
