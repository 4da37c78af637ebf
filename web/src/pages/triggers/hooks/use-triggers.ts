import { useCallback, useEffect, useState } from 'react';
import { messageOf } from '../../../api/errors';
import { eventsApi, triggersApi, type CatalogEntry, type Trigger } from '../../../api/triggers';
import type { PageRequest } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useCursorPages } from '../../../app/use-cursor-pages';

const keyOf = (t: Trigger) => t.id;

/** A project's triggers, a page at a time. */
export const useTriggers = (projectId: string) => {
  const api = useApi(triggersApi);
  const fetchPage = useCallback((page: PageRequest, signal: AbortSignal) => api.list(projectId, page, signal), [api, projectId]);
  return useCursorPages<Trigger>(fetchPage, keyOf);
};

/** The event catalog, for picking a sample event. */
export const useCatalog = (): { entries: CatalogEntry[]; error: string | undefined } => {
  const api = useApi(eventsApi);
  const [state, setState] = useState<{ entries: CatalogEntry[]; error: string | undefined }>({ entries: [], error: undefined });
  useEffect(() => {
    const controller = new AbortController();
    api
      .catalog(controller.signal)
      .then((c) => {
        setState({ entries: c.items, error: undefined });
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setState({ entries: [], error: messageOf(e) });
      });
    return () => {
      controller.abort();
    };
  }, [api]);
  return state;
};
