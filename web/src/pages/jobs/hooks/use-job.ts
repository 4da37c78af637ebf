import { useCallback, useEffect, useState } from 'react';
import { messageOf } from '../../../api/errors';
import { jobsApi, type Job } from '../../../api/jobs';
import { useApi } from '../../../app/services';

/** One job, loaded when the page opens (nothing for a job not yet created); `reload` reads it again. */
export const useJob = (projectId: string, jobId: string | undefined) => {
  const api = useApi(jobsApi);
  const [job, setJob] = useState<Job | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  const reload = useCallback(
    async (signal?: AbortSignal) => {
      if (jobId === undefined) return;
      setError(undefined);
      try {
        const loaded = await api.get(projectId, jobId, signal);
        if (signal?.aborted !== true) setJob(loaded);
      } catch (e) {
        if (signal?.aborted !== true) setError(messageOf(e));
      }
    },
    [api, projectId, jobId],
  );

  useEffect(() => {
    const controller = new AbortController();
    void reload(controller.signal);
    return () => {
      controller.abort();
    };
  }, [reload]);

  return { job, error, reload };
};
