import { useEffect, useState } from 'react';
import { messageOf } from '../../../api/errors';
import { targetsApi } from '../../../api/targets';
import { useApi } from '../../../app/services';

export type SelectorPreview =
  | { state: 'empty' }
  | { state: 'loading' }
  | { state: 'matched'; names: string[]; more: boolean }
  | { state: 'invalid'; message: string };

const SHOWN = 10;
const DEBOUNCE_MS = 400;

/** The targets a selector matches as the author types it, asked for once they pause. */
export const useSelectorPreview = (projectId: string, selector: string): SelectorPreview => {
  const api = useApi(targetsApi);
  const [preview, setPreview] = useState<SelectorPreview>({ state: 'empty' });
  useEffect(() => {
    const text = selector.trim();
    if (text === '') {
      setPreview({ state: 'empty' });
      return undefined;
    }
    setPreview({ state: 'loading' });
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api.list(projectId, { selector: text }, { limit: SHOWN }, abort.signal).then(
        (page) => {
          setPreview({ state: 'matched', names: page.items.map((t) => t.name), more: page.nextCursor !== undefined });
        },
        (error: unknown) => {
          if (!abort.signal.aborted) setPreview({ state: 'invalid', message: messageOf(error) });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [api, projectId, selector]);
  return preview;
};
