import { useSyncExternalStore } from 'react';

/**
 * A tiny History API router: the path is external state, `navigate` pushes a new entry, and
 * components re-render through useSyncExternalStore. The server answers index.html for unknown
 * non-API paths, so every route can be loaded directly.
 */
const listeners = new Set<() => void>();

const subscribe = (listener: () => void): (() => void) => {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
};

const notify = (): void => {
  for (const listener of listeners) listener();
};

export const navigate = (to: string, options: { replace?: boolean } = {}): void => {
  const current = `${window.location.pathname}${window.location.search}`;
  if (to === current) return;
  if (options.replace === true) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
};

export const usePathname = (): string => useSyncExternalStore(subscribe, () => window.location.pathname);

interface FollowDetail {
  href?: string | undefined;
  external?: boolean | undefined;
}

/**
 * For Cloudscape `onFollow` handlers (they fire only on plain left clicks, so opening in a new tab
 * keeps working): route internal links in the page instead of reloading it.
 */
export const followLink = (event: CustomEvent<FollowDetail>): void => {
  const { href, external } = event.detail;
  if (external === true || href === undefined || !href.startsWith('/')) return;
  event.preventDefault();
  navigate(href);
};
