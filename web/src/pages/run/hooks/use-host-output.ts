import { useEffect, useRef, useState } from 'react';
import { messageOf } from '../../../api/errors';
import { runsApi } from '../../../api/runs';
import { useApi } from '../../../app/services';
import { LineBuffer } from '../output';

const IDLE_MS = 1000;

/**
 * One host's output, read page by page with the cursor (the last sequence number held) until the
 * API says it is complete: pages come back to back while there is more, then once a second.
 */
export const useHostOutput = (projectId: string, runId: string, targetId: string | undefined) => {
  const api = useApi(runsApi);
  const buffer = useRef(new LineBuffer());
  const [version, setVersion] = useState(0);
  const [complete, setComplete] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    buffer.current = new LineBuffer();
    setVersion((v) => v + 1);
    setComplete(false);
    setError(undefined);
    if (targetId === undefined) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let cursor: string | undefined;
    const poll = async () => {
      try {
        const page = await api.output(projectId, runId, targetId, cursor, controller.signal);
        if (controller.signal.aborted) return;
        setError(undefined);
        for (const chunk of page.items) buffer.current.push(chunk.stream, chunk.data);
        cursor = page.nextCursor;
        if (page.complete) {
          buffer.current.end();
          setComplete(true);
        }
        if (page.items.length > 0 || page.complete) setVersion((v) => v + 1);
        if (!page.complete) timer = setTimeout(() => void poll(), page.items.length > 0 ? 0 : IDLE_MS);
      } catch (e) {
        if (controller.signal.aborted) return;
        setError(messageOf(e));
        timer = setTimeout(() => void poll(), IDLE_MS * 2);
      }
    };
    void poll();
    return () => {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [api, projectId, runId, targetId]);

  return { buffer: buffer.current, version, complete, error };
};
