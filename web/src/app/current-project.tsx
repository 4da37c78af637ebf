import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { ApiError, messageOf } from '../api/errors';
import { projectsApi } from '../api/projects';
import type { Project } from '../api/types';
import { useApi } from './services';

/**
 * The console's current project: the one whose page is open, remembered for the tab (so the
 * navigation keeps offering it on other pages and after a reload) until another one is opened.
 */
export interface CurrentProject {
  projectId: string | undefined;
  project: Project | undefined;
  loading: boolean;
  error: { message: string; status: number | undefined } | undefined;
  reload: () => Promise<void>;
  /** Put a changed project in place (after an edit) without refetching. */
  replace: (project: Project) => void;
  /** The project is gone (deleted): stop offering it. */
  forget: (projectId: string) => void;
}

const STORAGE_KEY = 'opsconductor:currentProject';

const remembered = (): string | undefined => {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
};

const remember = (projectId: string | undefined): void => {
  try {
    if (projectId === undefined) window.sessionStorage.removeItem(STORAGE_KEY);
    else window.sessionStorage.setItem(STORAGE_KEY, projectId);
  } catch {
    // Storage may be unavailable (private mode); the URL still carries the project.
  }
};

/** Sign-out ends the tab's project context too. */
export const forgetCurrentProject = (): void => {
  remember(undefined);
};

interface LoadState {
  project: Project | undefined;
  loading: boolean;
  error: CurrentProject['error'];
}

export const useCurrentProjectState = (routeProjectId: string | undefined): CurrentProject => {
  const projects = useApi(projectsApi);
  const [projectId, setProjectId] = useState<string | undefined>(() => routeProjectId ?? remembered());
  const [state, setState] = useState<LoadState>({ project: undefined, loading: projectId !== undefined, error: undefined });
  const inflight = useRef<AbortController | undefined>(undefined);

  // Opening a project's page makes it the current one.
  useEffect(() => {
    if (routeProjectId !== undefined) {
      setProjectId(routeProjectId);
      remember(routeProjectId);
    }
  }, [routeProjectId]);

  const load = useCallback(
    async (id: string | undefined) => {
      inflight.current?.abort();
      if (id === undefined) {
        setState({ project: undefined, loading: false, error: undefined });
        return;
      }
      const controller = new AbortController();
      inflight.current = controller;
      setState((s) => ({ project: s.project?.id === id ? s.project : undefined, loading: true, error: undefined }));
      try {
        const project = await projects.get(id, controller.signal);
        if (!controller.signal.aborted) setState({ project, loading: false, error: undefined });
      } catch (e) {
        if (controller.signal.aborted) return;
        const status = e instanceof ApiError ? e.status : undefined;
        // Gone, or not ours to see (non-members get 404): stop offering it.
        if (status === 404 || status === 403) remember(undefined);
        setState({ project: undefined, loading: false, error: { message: messageOf(e), status } });
      }
    },
    [projects],
  );

  useEffect(() => {
    void load(projectId);
    return () => inflight.current?.abort();
  }, [load, projectId]);

  const reload = useCallback(() => load(projectId), [load, projectId]);

  const replace = useCallback((project: Project) => {
    setState((s) => (s.project?.id === project.id ? { ...s, project } : s));
  }, []);

  const forget = useCallback((id: string) => {
    setProjectId((current) => {
      if (current !== id) return current;
      remember(undefined);
      return undefined;
    });
  }, []);

  return { projectId, ...state, reload, replace, forget };
};

const noProject: CurrentProject = {
  projectId: undefined,
  project: undefined,
  loading: false,
  error: undefined,
  reload: () => Promise.resolve(),
  replace: () => undefined,
  forget: () => undefined,
};

export const CurrentProjectContext = createContext<CurrentProject>(noProject);
export const useCurrentProject = (): CurrentProject => useContext(CurrentProjectContext);
