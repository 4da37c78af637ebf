import type { Clock } from '../clock';
import { notFound, versionConflict } from '../errors';
import { ProjectCreated, ProjectDeleted, ProjectUpdated } from '../events/catalog';
import type { IdGenerator } from '../ids';
import { actorOf, displayNameOf, isGlobalAdmin, type Principal } from '../identity/principal';
import type { Page } from '../pagination';
import type { ApiKeyStore, MemberStore } from '../ports/access-store';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { ProjectStore } from '../ports/project-store';
import { AUDIT_RETENTION_DAYS_DEFAULT } from '../audit/schema';
import type { CreateProjectInput, Project, ProjectSettings, UpdateProjectInput } from './schema';

export interface ProjectDeps {
  projects: ProjectStore;
  members: MemberStore;
  apiKeys: ApiKeyStore;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
}

/** A project's settings with the installation's defaults for those it never set. */
export const projectSettingsOf = (p: Pick<Project, 'settings'>, defaults: { auditRetentionDays?: number | undefined } = {}): ProjectSettings => ({
  auditRetentionDays: p.settings?.auditRetentionDays ?? defaults.auditRetentionDays ?? AUDIT_RETENTION_DAYS_DEFAULT,
});

/** What the API answers: every setting, defaults filled in. */
const view = (p: Project): Project => ({ ...p, settings: projectSettingsOf(p) });

const snapshot = (p: Project) => ({ id: p.id, name: p.name, description: p.description, version: p.version });

export const createProject = async (deps: ProjectDeps, by: Principal, input: CreateProjectInput): Promise<Project> => {
  const now = deps.clock.now().toISOString();
  const project: Project = {
    id: deps.ids.next('prj'),
    name: input.name,
    description: input.description ?? '',
    createdAt: now,
    createdBy: displayNameOf(by),
    updatedAt: now,
    updatedBy: displayNameOf(by),
    version: 1,
  };
  await deps.projects.create(project);
  // The creator administers the project, so it starts with the admin it must always keep.
  if (by.type === 'user') {
    await deps.members.put({ projectId: project.id, userId: by.username, role: 'admin', addedBy: by.username, addedAt: now, updatedAt: now, version: 1 }, 0);
  }
  await deps.bus.publish([eventOf(ProjectCreated, { projectId: project.id, actor: actorOf(by), project: snapshot(project) })]);
  return view(project);
};

export const getProject = async (deps: Pick<ProjectDeps, 'projects'>, projectId: string): Promise<Project> => {
  const project = await deps.projects.get(projectId);
  if (!project) throw notFound('Project', projectId);
  return view(project);
};

/** Global admins see every project, an API key its own, a user the projects they are a member of. */
export const listProjects = async (
  deps: Pick<ProjectDeps, 'projects' | 'members'>,
  by: Principal,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Project>> => {
  if (isGlobalAdmin(by)) {
    const all = await deps.projects.list(page);
    return { ...all, items: all.items.map(view) };
  }
  if (by.type === 'apiKey') {
    const own = page.cursor === undefined ? await deps.projects.get(by.projectId) : undefined;
    return { items: own ? [view(own)] : [] };
  }
  const memberships = await deps.members.listOfUser(by.username, page);
  const projects = await Promise.all(memberships.items.map((m) => deps.projects.get(m.projectId)));
  const items = projects.filter((p): p is Project => p !== undefined).map(view);
  return memberships.nextCursor === undefined ? { items } : { items, nextCursor: memberships.nextCursor };
};

export const updateProject = async (
  deps: ProjectDeps,
  by: Principal,
  projectId: string,
  input: UpdateProjectInput,
): Promise<Project> => {
  // As stored, not as shown: a setting never set keeps following the installation default.
  const current = await deps.projects.get(projectId);
  if (!current) throw notFound('Project', projectId);
  if (input.version !== undefined && input.version !== current.version) throw versionConflict(input.version, current.version);
  const retention = input.settings?.auditRetentionDays;
  const changed = [
    ...(['name', 'description'] as const).filter((k) => input[k] !== undefined && input[k] !== current[k]),
    ...(retention !== undefined && retention !== current.settings?.auditRetentionDays ? (['settings.auditRetentionDays'] as const) : []),
  ];
  if (changed.length === 0) return view(current);
  const next: Project = {
    ...current,
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.description === undefined ? {} : { description: input.description }),
    ...(retention === undefined ? {} : { settings: { ...current.settings, auditRetentionDays: retention } }),
    updatedAt: deps.clock.now().toISOString(),
    updatedBy: displayNameOf(by),
    version: current.version + 1,
  };
  await deps.projects.update(next, current.version);
  await deps.bus.publish([eventOf(ProjectUpdated, { projectId, actor: actorOf(by), project: snapshot(next), changed })]);
  return view(next);
};

export const deleteProject = async (deps: ProjectDeps, by: Principal, projectId: string): Promise<void> => {
  const current = await getProject(deps, projectId);
  await deps.projects.delete(current);
  await deps.members.deleteAllOfProject(projectId);
  for (let cursor: string | undefined, first = true; first || cursor !== undefined; first = false) {
    const keys = await deps.apiKeys.listOfProject(projectId, { limit: 100, cursor });
    for (const key of keys.items) await deps.apiKeys.delete(key.keyId);
    cursor = keys.nextCursor;
  }
  await deps.bus.publish([eventOf(ProjectDeleted, { projectId, actor: actorOf(by), project: snapshot(current) })]);
};
