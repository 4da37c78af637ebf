import { useCallback, useEffect, useState } from 'react';
import { credentialsApi } from '../../../api/credentials';
import { messageOf } from '../../../api/errors';
import type { Credential } from '../../../api/types';
import { useApi } from '../../../app/services';

/**
 * Every credential of a project (metadata only), for naming a target's credential and choosing
 * one in the target form. Projects hold a handful, so all pages are read.
 */
export const useProjectCredentials = (projectId: string) => {
  const api = useApi(credentialsApi);
  const [state, setState] = useState<{ items: Credential[]; loading: boolean; error: string | undefined }>({
    items: [],
    loading: true,
    error: undefined,
  });

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setState((s) => ({ ...s, loading: true, error: undefined }));
      try {
        const items: Credential[] = [];
        let cursor: string | undefined;
        do {
          const page = await api.list(projectId, { limit: 100, cursor }, signal);
          items.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        if (signal?.aborted !== true) setState({ items, loading: false, error: undefined });
      } catch (e) {
        if (signal?.aborted !== true) setState((s) => ({ ...s, loading: false, error: messageOf(e) }));
      }
    },
    [api, projectId],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => {
      controller.abort();
    };
  }, [load]);

  const byId = useCallback((id: string | undefined) => (id === undefined ? undefined : state.items.find((c) => c.id === id)), [state.items]);

  return { ...state, byId, reload: load };
};

export type ProjectCredentials = ReturnType<typeof useProjectCredentials>;
