import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from '../../../api/errors';
import type { Project } from '../../../api/types';
import { useProjectsApi } from './use-projects-api';

export const PAGE_SIZE = 20;

interface State {
  /** Pages fetched so far, in order; page n (1-based) is pages[n - 1]. */
  pages: Project[][];
  /** The cursor for the page after the last one fetched; undefined when it was the last. */
  nextCursor: string | undefined;
  pageIndex: number;
  loading: boolean;
  error: string | undefined;
}

const initial: State = { pages: [], nextCursor: undefined, pageIndex: 1, loading: true, error: undefined };

/**
 * Cursor pagination for the projects table: pages are fetched as the user moves forward and
 * kept, so moving back costs nothing; `reload` starts again from the first page.
 */
export const useProjectPages = () => {
  const api = useProjectsApi();
  const [state, setState] = useState<State>(initial);
  const inflight = useRef<AbortController | undefined>(undefined);

  const fetchPage = useCallback(
    async (cursor: string | undefined, reset: boolean) => {
      inflight.current?.abort();
      const controller = new AbortController();
      inflight.current = controller;
      setState((s) => ({ ...s, loading: true, error: undefined }));
      try {
        const page = await api.list({ limit: PAGE_SIZE, cursor }, controller.signal);
        if (controller.signal.aborted) return;
        setState((s) => {
          const pages = reset ? [page.items] : [...s.pages, page.items];
          return { pages, nextCursor: page.nextCursor, pageIndex: pages.length, loading: false, error: undefined };
        });
      } catch (e) {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, loading: false, error: messageOf(e) }));
      }
    },
    [api],
  );

  const reload = useCallback(() => fetchPage(undefined, true), [fetchPage]);

  useEffect(() => {
    void reload();
    return () => inflight.current?.abort();
  }, [reload]);

  const goToPage = useCallback(
    (pageIndex: number) => {
      if (pageIndex <= state.pages.length) {
        setState((s) => ({ ...s, pageIndex }));
      } else if (pageIndex === state.pages.length + 1 && state.nextCursor !== undefined && !state.loading) {
        void fetchPage(state.nextCursor, false);
      }
    },
    [fetchPage, state.pages.length, state.nextCursor, state.loading],
  );

  /** Put a changed project in place without refetching. */
  const replace = useCallback((project: Project) => {
    setState((s) => ({ ...s, pages: s.pages.map((page) => page.map((p) => (p.id === project.id ? project : p))) }));
  }, []);

  /** Drop a deleted project; step back if that empties the page being shown. */
  const remove = useCallback((projectId: string) => {
    setState((s) => {
      const pages = s.pages.map((page) => page.filter((p) => p.id !== projectId));
      const emptied = pages[s.pageIndex - 1]?.length === 0 && s.pageIndex > 1;
      return { ...s, pages: emptied ? pages.filter((_, i) => i !== s.pageIndex - 1) : pages, pageIndex: emptied ? s.pageIndex - 1 : s.pageIndex };
    });
  }, []);

  const items = state.pages[state.pageIndex - 1] ?? [];
  const loadedCount = state.pages.reduce((n, page) => n + page.length, 0);

  return {
    items,
    loadedCount,
    pageIndex: state.pageIndex,
    pagesCount: Math.max(1, state.pages.length),
    hasMore: state.nextCursor !== undefined,
    loading: state.loading,
    error: state.error,
    goToPage,
    reload,
    replace,
    remove,
  };
};
