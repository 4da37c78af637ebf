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
  /** /projects/<id>/jobs */
  | { page: 'jobs'; projectId: string }
  /** /projects/<id>/jobs/new and /projects/<id>/jobs/<jobId>/edit */
  | { page: 'jobEditor'; projectId: string; jobId: string | undefined }
  /** /projects/<id>/jobs/<jobId> */
  | { page: 'job'; projectId: string; jobId: string }
  /** /projects/<id>/runs */
  | { page: 'runs'; projectId: string }
  /** /projects/<id>/runs/<runId> */
  | { page: 'run'; projectId: string; runId: string }
  /** /projects/<id>/schedules */
  | { page: 'schedules'; projectId: string }
  /** /projects/<id>/triggers */
  | { page: 'triggers'; projectId: string }
  /** /projects/<id>/notifications */
  | { page: 'notifications'; projectId: string }
  /** /projects/<id>/audit */
  | { page: 'audit'; projectId: string }
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

export const jobsHref = (projectId: string): string => `/projects/${enc(projectId)}/jobs`;
export const jobHref = (projectId: string, jobId: string): string => `${jobsHref(projectId)}/${enc(jobId)}`;
export const newJobHref = (projectId: string): string => `${jobsHref(projectId)}/new`;
export const editJobHref = (projectId: string, jobId: string): string => `${jobHref(projectId, jobId)}/edit`;
export const runsHref = (projectId: string): string => `/projects/${enc(projectId)}/runs`;
export const runHref = (projectId: string, runId: string): string => `${runsHref(projectId)}/${enc(runId)}`;
export const schedulesHref = (projectId: string): string => `/projects/${enc(projectId)}/schedules`;
export const triggersHref = (projectId: string): string => `/projects/${enc(projectId)}/triggers`;
export const auditHref = (projectId: string): string => `/projects/${enc(projectId)}/audit`;
export const notificationsHref = (projectId: string): string => `/projects/${enc(projectId)}/notifications`;

/** The project a route is about, if any. */
export const projectIdOf = (route: Route): string | undefined => ('projectId' in route ? route.projectId : undefined);

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
  if (segments[2] === 'jobs') {
    if (segments.length === 3) return { page: 'jobs', projectId };
    if (segments.length === 4 && segments[3] === 'new') return { page: 'jobEditor', projectId, jobId: undefined };
    const jobId = decode(segments[3] ?? '');
    if (jobId === undefined || jobId === '') return { page: 'notFound' };
    if (segments.length === 4) return { page: 'job', projectId, jobId };
    if (segments.length === 5 && segments[4] === 'edit') return { page: 'jobEditor', projectId, jobId };
    return { page: 'notFound' };
  }
  if (segments[2] === 'runs') {
    if (segments.length === 3) return { page: 'runs', projectId };
    const runId = decode(segments[3] ?? '');
    if (segments.length === 4 && runId !== undefined && runId !== '') return { page: 'run', projectId, runId };
    return { page: 'notFound' };
  }
  if (segments[2] === 'schedules') return segments.length === 3 ? { page: 'schedules', projectId } : { page: 'notFound' };
  if (segments[2] === 'triggers') return segments.length === 3 ? { page: 'triggers', projectId } : { page: 'notFound' };
  if (segments[2] === 'audit') return segments.length === 3 ? { page: 'audit', projectId } : { page: 'notFound' };
  if (segments[2] === 'notifications') return segments.length === 3 ? { page: 'notifications', projectId } : { page: 'notFound' };
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
