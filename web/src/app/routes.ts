import { sectionFor, type Section } from './sections';

/** The tabs of a project's page; each is its own path under /projects/<id>. */
export const projectTabs = ['overview', 'targets', 'credentials', 'members', 'api-keys'] as const;
export type ProjectTab = (typeof projectTabs)[number];

export const tabLabels: Record<ProjectTab, string> = {
  overview: 'Overview',
  targets: 'Targets',
  credentials: 'Credentials',
  members: 'Members',
  'api-keys': 'API keys',
};

export type Route =
  | { page: 'home' }
  | { page: 'projects' }
  | { page: 'project'; projectId: string; tab: ProjectTab }
  /** One target of a project: /projects/<id>/targets/<targetId> */
  | { page: 'target'; projectId: string; targetId: string }
  /** The import wizard: /projects/<id>/targets/import */
  | { page: 'targetImport'; projectId: string }
  /** A per-project section opened without a project (/targets): it goes to the current project's. */
  | { page: 'projectSection'; section: Section; tab: ProjectTab }
  | { page: 'users' }
  | { page: 'settings' }
  | { page: 'profile' }
  | { page: 'notBuilt'; section: Section }
  | { page: 'notFound' };

const enc = encodeURIComponent;

export const projectHref = (projectId: string, tab: ProjectTab = 'overview'): string =>
  `/projects/${enc(projectId)}${tab === 'overview' ? '' : `/${tab}`}`;

export const targetHref = (projectId: string, targetId: string): string => `/projects/${enc(projectId)}/targets/${enc(targetId)}`;

export const targetImportHref = (projectId: string): string => `/projects/${enc(projectId)}/targets/import`;

/** The project a route is about, if any. */
export const projectIdOf = (route: Route): string | undefined =>
  route.page === 'project' || route.page === 'target' || route.page === 'targetImport' ? route.projectId : undefined;

const decode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

const projectRoute = (segments: string[]): Route => {
  const projectId = decode(segments[1] ?? '');
  if (projectId === undefined || projectId === '') return { page: 'notFound' };
  if (segments.length === 2) return { page: 'project', projectId, tab: 'overview' };
  const tab = projectTabs.find((t) => t !== 'overview' && t === segments[2]);
  if (tab === undefined) return { page: 'notFound' };
  if (segments.length === 3) return { page: 'project', projectId, tab };
  if (tab === 'targets' && segments.length === 4) {
    if (segments[3] === 'import') return { page: 'targetImport', projectId };
    const targetId = decode(segments[3] ?? '');
    if (targetId !== undefined && targetId !== '') return { page: 'target', projectId, targetId };
  }
  return { page: 'notFound' };
};

/** Which page a path shows. A trailing slash is ignored. */
export const parseRoute = (pathname: string): Route => {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '' || path === '/') return { page: 'home' };
  if (path === '/projects') return { page: 'projects' };
  if (path === '/users') return { page: 'users' };
  if (path === '/settings') return { page: 'settings' };
  if (path === '/profile') return { page: 'profile' };
  const segments = path.split('/').slice(1);
  if (segments[0] === 'projects') return projectRoute(segments);
  const section = sectionFor(path);
  if (section !== undefined && path === section.href) {
    const tab = section.perProject === true ? projectTabs.find((t) => t === section.id) : undefined;
    if (tab !== undefined) return { page: 'projectSection', section, tab };
    if (!section.built) return { page: 'notBuilt', section };
  }
  return { page: 'notFound' };
};
