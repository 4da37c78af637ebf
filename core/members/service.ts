import type { Clock } from '../clock';
import { conflict, notFound } from '../errors';
import { MemberRemoved, MemberRoleChanged } from '../events/catalog';
import { actorOf, displayNameOf, type Principal, type ProjectRole } from '../identity/principal';
import type { Page } from '../pagination';
import type { Member, MemberStore } from '../ports/access-store';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { ProjectStore } from '../ports/project-store';
import type { UserDirectory } from '../ports/user-directory';

export interface MemberDeps {
  members: MemberStore;
  projects: Pick<ProjectStore, 'get'>;
  directory: Pick<UserDirectory, 'get'>;
  bus: EventBus;
  clock: Clock;
}

const mustHaveProject = async (deps: Pick<MemberDeps, 'projects'>, projectId: string) => {
  if (!(await deps.projects.get(projectId))) throw notFound('Project', projectId);
};

export const listMembers = (deps: Pick<MemberDeps, 'members'>, projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Member>> =>
  deps.members.list(projectId, page);

/**
 * A project must keep an admin. Counting reads the (small) member list; two admins demoting each
 * other at the same instant could both pass, a race we accept over the lack of transactions.
 */
const assertAnotherAdmin = async (deps: Pick<MemberDeps, 'members'>, projectId: string, leaving: string) => {
  let others = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.members.list(projectId, { limit: 100, cursor });
    others += page.items.filter((m) => m.role === 'admin' && m.userId !== leaving).length;
    cursor = page.nextCursor;
  } while (cursor !== undefined && others === 0);
  if (others === 0) throw conflict('A project must keep at least one admin; make someone else admin first.', { userId: leaving });
};

export const putMember = async (deps: MemberDeps, by: Principal, projectId: string, userId: string, role: ProjectRole): Promise<Member> => {
  await mustHaveProject(deps, projectId);
  if (!(await deps.directory.get(userId))) throw notFound('User', userId);
  const current = await deps.members.get(projectId, userId);
  if (current?.role === role) return current;
  if (current?.role === 'admin') await assertAnotherAdmin(deps, projectId, userId);
  const now = deps.clock.now().toISOString();
  const next: Member = current
    ? { ...current, role, updatedAt: now, version: current.version + 1 }
    : { projectId, userId, role, addedBy: displayNameOf(by), addedAt: now, updatedAt: now, version: 1 };
  await deps.members.put(next, current?.version ?? 0);
  await deps.bus.publish([
    eventOf(MemberRoleChanged, {
      projectId,
      actor: actorOf(by),
      member: { userId, role, ...(current ? { previousRole: current.role } : {}) },
    }),
  ]);
  return next;
};

export const removeMember = async (deps: MemberDeps, by: Principal, projectId: string, userId: string): Promise<void> => {
  const current = await deps.members.get(projectId, userId);
  if (!current) throw notFound('Member', userId);
  if (current.role === 'admin') await assertAnotherAdmin(deps, projectId, userId);
  await deps.members.delete(current);
  await deps.bus.publish([eventOf(MemberRemoved, { projectId, actor: actorOf(by), member: { userId, role: current.role } })]);
};
