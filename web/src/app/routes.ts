import { sectionFor, type Section } from './sections';

/** The tabs of a project's page; each is its own path under /projects/<id>. */
export const projectTabs = ['overview', 'members', 'api-keys'] as const;
export type ProjectTab = (typeof projectTabs)[number];

export const tabLabels: Record<ProjectTab, string> = { overview: 'Overview', members: 'Members', 'api-keys': 'API keys' };

export type Route =
  | { page: 'home' }
  | { page: 'projects' }
  | { page: 'project'; projectId: string; tab: ProjectTab }
  | { page: 'users' }
  | { page: 'settings' }
  | { page: 'profile' }
  | { page: 'notBuilt'; section: Section }
  | { page: 'notFound' };

export const projectHref = (projectId: string, tab: ProjectTab = 'overview'): string =>
  `/projects/${encodeURIComponent(projectId)}${tab === 'overview' ? '' : `/${tab}`}`;

const decode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
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
  if (segments[0] === 'projects' && segments.length >= 2 && segments.length <= 3) {
    const projectId = decode(segments[1] ?? '');
    const tab = segments[2] ?? 'overview';
    const known = projectTabs.find((t) => t === tab && (t !== 'overview' || segments.length === 2));
    if (projectId !== undefined && projectId !== '' && known !== undefined) return { page: 'project', projectId, tab: known };
    return { page: 'notFound' };
  }
  const section = sectionFor(path);
  if (section !== undefined && !section.built && path === section.href) return { page: 'notBuilt', section };
  return { page: 'notFound' };
};
