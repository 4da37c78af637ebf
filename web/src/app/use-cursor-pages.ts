import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { messageOf } from '../api/errors';
import type { Page, PageRequest } from '../api/types';

interface State<T> {
  /** Pages fetched so far, in order; page n (1-based) is pages[n - 1]. */
  pages: T[][];
  /** The cursor for the page after the last one fetched; undefined when it was the last. */
  nextCursor: string | undefined;
  pageIndex: number;
  loading: boolean;
  error: string | undefined;
  /** The failure's HTTP status (0 for the network), to tell "not found" from other failures. */
  errorStatus: number | undefined;
  /** What was thrown, for pages that show some failures in place (a filter's syntax error on its field). */
  failure: unknown;
}

const initial = { pages: [], nextCursor: undefined, pageIndex: 1, loading: true, error: undefined, errorStatus: undefined, failure: undefined };

const statusOf = (e: unknown): number | undefined =>
  typeof e === 'object' && e !== null && 'status' in e && typeof e.status === 'number' ? e.status : undefined;

/**
 * Cursor pagination for a table: pages are fetched as the user moves forward and kept, so moving
 * back costs nothing; `reload` starts again from the first page. `fetchPage` must be stable
 * (useCallback): a new one reloads. With `enabled` false nothing is fetched.
 */
export const useCursorPages = <T>(
  fetchPage: (page: PageRequest, signal: AbortSignal) => Promise<Page<T>>,
  keyOf: (item: T) => string,
  options: { pageSize?: number; enabled?: boolean } = {},
) => {
  const pageSize = options.pageSize ?? 50;
  const enabled = options.enabled ?? true;
  const [state, setState] = useState<State<T>>(initial);
  const inflight = useRef<AbortController | undefined>(undefined);

  const load = useCallback(
    async (cursor: string | undefined, reset: boolean) => {
      inflight.current?.abort();
      const controller = new AbortController();
      inflight.current = controller;
      setState((s) => ({ ...s, loading: true, error: undefined, errorStatus: undefined, failure: undefined }));
      try {
        const page = await fetchPage({ limit: pageSize, cursor }, controller.signal);
        if (controller.signal.aborted) return;
        setState((s) => {
          const pages = reset ? [page.items] : [...s.pages, page.items];
          return { pages, nextCursor: page.nextCursor, pageIndex: pages.length, loading: false, error: undefined, errorStatus: undefined, failure: undefined };
        });
      } catch (e) {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, loading: false, error: messageOf(e), errorStatus: statusOf(e), failure: e }));
      }
    },
    [fetchPage, pageSize],
  );

  const reload = useCallback(() => load(undefined, true), [load]);

  useEffect(() => {
    if (!enabled) {
      setState({ ...initial, loading: false });
      return;
    }
    void reload();
    return () => inflight.current?.abort();
  }, [reload, enabled]);

  const goToPage = useCallback(
    (pageIndex: number) => {
      if (pageIndex <= state.pages.length) {
        setState((s) => ({ ...s, pageIndex }));
      } else if (pageIndex === state.pages.length + 1 && state.nextCursor !== undefined && !state.loading) {
        void load(state.nextCursor, false);
      }
    },
    [load, state.pages.length, state.nextCursor, state.loading],
  );

  /** Put a changed item in place without refetching. */
  const replace = useCallback(
    (item: T) => {
      const key = keyOf(item);
      setState((s) => ({ ...s, pages: s.pages.map((page) => page.map((i) => (keyOf(i) === key ? item : i))) }));
    },
    [keyOf],
  );

  /** Drop a deleted item; step back if that empties the page being shown. */
  const remove = useCallback(
    (key: string) => {
      setState((s) => {
        const pages = s.pages.map((page) => page.filter((i) => keyOf(i) !== key));
        const emptied = pages[s.pageIndex - 1]?.length === 0 && s.pageIndex > 1;
        return {
          ...s,
          pages: emptied ? pages.filter((_, i) => i !== s.pageIndex - 1) : pages,
          pageIndex: emptied ? s.pageIndex - 1 : s.pageIndex,
        };
      });
    },
    [keyOf],
  );

  const items = state.pages[state.pageIndex - 1] ?? [];
  const all = useMemo(() => state.pages.flat(), [state.pages]);
  const loadedCount = state.pages.reduce((n, page) => n + page.length, 0);

  return {
    items,
    /** Every item fetched so far, on all pages. */
    all,
    loadedCount,
    pageIndex: state.pageIndex,
    pagesCount: Math.max(1, state.pages.length),
    hasMore: state.nextCursor !== undefined,
    loading: state.loading,
    error: state.error,
    errorStatus: state.errorStatus,
    failure: state.failure,
    goToPage,
    reload,
    replace,
    remove,
  };
};

export type CursorPages<T> = ReturnType<typeof useCursorPages<T>>;
