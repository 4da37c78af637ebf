import { createContext, useContext, useEffect } from 'react';

/**
 * The name of the thing a page shows (a target's name), for the breadcrumbs and the document title
 * that the shell draws: the page knows it only once it has loaded.
 */
export const PageLabelContext = createContext<(label: string | undefined) => void>(() => undefined);

export const usePageLabel = (label: string | undefined): void => {
  const set = useContext(PageLabelContext);
  useEffect(() => {
    set(label);
    return () => {
      set(undefined);
    };
  }, [set, label]);
};
