import type { Clock } from '../clock';
import { notFound, versionConflict } from '../errors';
import { ProjectCreated, ProjectDeleted, ProjectUpdated } from '../events/catalog';
import type { IdGenerator } from '../ids';
import { actorOf, type Principal } from '../identity/principal';
import type { Page } from '../pagination';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { ProjectStore } from '../ports/project-store';
import type { CreateProjectInput, Project, UpdateProjectInput } from './schema';

export interface ProjectDeps {
  store: ProjectStore;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
}

const snapshot = (p: Project) => ({ id: p.id, name: p.name, description: p.description, version: p.version });

export const createProject = async (deps: ProjectDeps, by: Principal, input: CreateProjectInput): Promise<Project> => {
  const now = deps.clock.now().toISOString();
  const project: Project = {
    id: deps.ids.next('prj'),
    name: input.name,
    description: input.description ?? '',
    createdAt: now,
    createdBy: by.username,
    updatedAt: now,
    updatedBy: by.username,
    version: 1,
  };
  await deps.store.create(project);
  await deps.bus.publish([eventOf(ProjectCreated, { projectId: project.id, actor: actorOf(by), project: snapshot(project) })]);
  return project;
};

export const getProject = async (deps: Pick<ProjectDeps, 'store'>, projectId: string): Promise<Project> => {
  const project = await deps.store.get(projectId);
  if (!project) throw notFound('Project', projectId);
  return project;
};

export const listProjects = (deps: Pick<ProjectDeps, 'store'>, page: { limit: number; cursor?: string | undefined }): Promise<Page<Project>> =>
  deps.store.list(page);

export const updateProject = async (
  deps: ProjectDeps,
  by: Principal,
  projectId: string,
  input: UpdateProjectInput,
): Promise<Project> => {
  const current = await getProject(deps, projectId);
  if (input.version !== undefined && input.version !== current.version) throw versionConflict(input.version, current.version);
  const changed = (['name', 'description'] as const).filter((k) => input[k] !== undefined && input[k] !== current[k]);
  if (changed.length === 0) return current;
  const next: Project = {
    ...current,
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.description === undefined ? {} : { description: input.description }),
    updatedAt: deps.clock.now().toISOString(),
    updatedBy: by.username,
    version: current.version + 1,
  };
  await deps.store.update(next, current.version);
  await deps.bus.publish([eventOf(ProjectUpdated, { projectId, actor: actorOf(by), project: snapshot(next), changed })]);
  return next;
};

export const deleteProject = async (deps: ProjectDeps, by: Principal, projectId: string): Promise<void> => {
  const current = await getProject(deps, projectId);
  await deps.store.delete(current);
  await deps.bus.publish([eventOf(ProjectDeleted, { projectId, actor: actorOf(by), project: snapshot(current) })]);
};
