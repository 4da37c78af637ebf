import type { Me, ProjectRole } from '../api/types';

/**
 * What the signed-in caller may do, from GET /v1/me, mirroring the API's policy
 * (core/identity/policy.ts). It only decides what the console offers: the API checks every
 * request itself, and its refusals are shown as they come.
 */
export const isGlobalAdmin = (me: Me | undefined): boolean => me?.type === 'user' && me.admin;

const rank: Record<ProjectRole, number> = { viewer: 1, operator: 2, admin: 3 };
export const atLeast = (role: ProjectRole | undefined, min: ProjectRole): boolean => role !== undefined && rank[role] >= rank[min];

/** The caller's role in a project: global admins are admins everywhere; undefined for non-members (and while /v1/me loads). */
export const roleIn = (me: Me | undefined, projectId: string): ProjectRole | undefined => {
  if (me === undefined) return undefined;
  if (isGlobalAdmin(me)) return 'admin';
  return me.projects.find((p) => p.projectId === projectId)?.role;
};

/** The caller's name as the API records it (createdBy, addedBy, a member's userId). */
export const nameOf = (me: Me | undefined): string | undefined => (me === undefined ? undefined : me.type === 'user' ? me.username : me.name);

export interface ProjectAbilities {
  role: ProjectRole | undefined;
  /** project:update */
  editProject: boolean;
  /** project:delete (global admins only) */
  deleteProject: boolean;
  /** members:manage */
  manageMembers: boolean;
  /** apiKeys:read and apiKeys:manage */
  manageApiKeys: boolean;
  /** targets:test (operators and admins): test connections, one target or all that a selector matches */
  testTargets: boolean;
  /** targets:manage: create, edit, delete, import, discover, accept host keys */
  manageTargets: boolean;
  /** credentials:manage: create, rotate, delete (everyone in the project reads the metadata) */
  manageCredentials: boolean;
  /** jobs:manage: create, edit, delete jobs */
  manageJobs: boolean;
  /** schedules:manage: create, change, enable/disable, delete schedules (everyone in the project reads them) */
  manageSchedules: boolean;
  /** triggers:manage: create, edit, enable/disable, delete triggers and replace webhook secrets (everyone in the project reads them) */
  manageTriggers: boolean;
  /** notifications:manage: channels (and test sends) and rules (everyone in the project reads them and the delivery log) */
  manageNotifications: boolean;
  /** audit:read: the project's audit log and its export */
  readAudit: boolean;
  /** runs:start and runs:cancel (operators and admins); confirming dangerous commands takes an admin */
  startRuns: boolean;
}

export const projectAbilities = (me: Me | undefined, projectId: string): ProjectAbilities => {
  const role = roleIn(me, projectId);
  const admin = atLeast(role, 'admin');
  return {
    role,
    editProject: admin,
    deleteProject: isGlobalAdmin(me),
    manageMembers: admin,
    manageApiKeys: admin,
    testTargets: atLeast(role, 'operator'),
    manageTargets: admin,
    manageCredentials: admin,
    manageJobs: admin,
    manageSchedules: admin,
    manageTriggers: admin,
    manageNotifications: admin,
    readAudit: admin,
    startRuns: atLeast(role, 'operator'),
  };
};

export const roleLabels: Record<ProjectRole, string> = { admin: 'Admin', operator: 'Operator', viewer: 'Viewer' };

export const roleDescriptions: Record<ProjectRole, string> = {
  viewer: 'Sees the project, its targets, credentials (never their secrets), members and runs.',
  operator: 'Also tests connections to targets, and starts, cancels and retries runs.',
  admin: 'Also changes the project, its targets, credentials, members and API keys.',
};
