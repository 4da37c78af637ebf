import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, messageOf } from '../../../api/errors';
import { finishedRunStatuses, runsApi, type Run, type RunHost } from '../../../api/runs';
import { useApi } from '../../../app/services';

const POLL_MS = 1000;

/**
 * A run and its hosts, read again every second while the run is queued or running (and once more
 * when it has finished, so the last host statuses show). The hosts (up to a thousand items) are read
 * again only when the run's status or counts moved: a host's item changes before the counts that
 * count it, so unchanged counts mean unchanged hosts, and a run of long steps costs one small read a
 * second instead of all its hosts.
 */
export const useRun = (projectId: string, runId: string) => {
  const api = useApi(runsApi);
  const [run, setRun] = useState<Run | undefined>(undefined);
  const [hosts, setHosts] = useState<RunHost[]>([]);
  const [error, setError] = useState<{ message: string; status: number | undefined } | undefined>(undefined);
  const [tick, setTick] = useState(0);
  // The run's status and counts when the hosts were last read.
  const hostsReadAt = useRef<string | undefined>(undefined);

  const load = useCallback(
    async (signal: AbortSignal): Promise<Run | undefined> => {
      try {
        const r = await api.get(projectId, runId, signal);
        const moved = JSON.stringify([runId, r.status, r.counts]);
        if (moved !== hostsReadAt.current) {
          const h = await api.hosts(projectId, runId, signal);
          if (signal.aborted) return undefined;
          setHosts(h.items);
          hostsReadAt.current = moved;
        }
        if (signal.aborted) return undefined;
        setRun(r);
        setError(undefined);
        return r;
      } catch (e) {
        if (!signal.aborted) setError({ message: messageOf(e), status: e instanceof ApiError ? e.status : undefined });
        return undefined;
      }
    },
    [api, projectId, runId],
  );

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async () => {
      const r = await load(controller.signal);
      if (controller.signal.aborted) return;
      // Keep polling while it may change; after a failure too (the network comes back).
      if (r === undefined || !finishedRunStatuses.includes(r.status)) timer = setTimeout(() => void loop(), POLL_MS);
    };
    void loop();
    return () => {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [load, tick]);

  /** Start polling again (after a cancel request, say). */
  const refresh = useCallback(() => {
    setTick((t) => t + 1);
  }, []);

  return { run, hosts, error, refresh, setRun };
};
