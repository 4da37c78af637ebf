import { isGlobalAdmin, type Principal, type ProjectRole } from './principal';

/**
 * Who may do what, decided here and nowhere else. Every route names one permission; the handler
 * chain asks `decide` before an operation runs. Handlers never look at roles.
 *
 * - global permissions are about the whole installation (users, creating projects);
 * - project permissions need a role in the project named by the route's {projectId}:
 *   viewer reads; operator also runs, cancels and retries; admin also manages the project's
 *   targets, credentials, jobs, schedules, triggers, notifications, members and API keys.
 * Global admins (the `admins` group) hold every permission in every project.
 */
interface GlobalRule {
  scope: 'global';
  /** `any`: every signed-in principal; `admins`: global admins only. */
  who: 'any' | 'admins';
}
interface ProjectRule {
  scope: 'project';
  minRole: ProjectRole;
  /** Some project permissions are reserved to global admins even though they name a project. */
  adminsOnly?: true;
}

const rules = {
  'me:read': { scope: 'global', who: 'any' },
  'projects:list': { scope: 'global', who: 'any' },
  'projects:create': { scope: 'global', who: 'admins' },
  'users:read': { scope: 'global', who: 'admins' },
  'users:manage': { scope: 'global', who: 'admins' },
  'settings:read': { scope: 'global', who: 'any' },
  'settings:manage': { scope: 'global', who: 'admins' },
  // The event catalog and the pattern tester: nothing project-specific, open to every signed-in caller.
  'events:read': { scope: 'global', who: 'any' },
  'project:read': { scope: 'project', minRole: 'viewer' },
  'project:update': { scope: 'project', minRole: 'admin' },
  'project:delete': { scope: 'project', minRole: 'admin', adminsOnly: true },
  'members:read': { scope: 'project', minRole: 'viewer' },
  'members:manage': { scope: 'project', minRole: 'admin' },
  'apiKeys:read': { scope: 'project', minRole: 'admin' },
  'apiKeys:manage': { scope: 'project', minRole: 'admin' },
  'credentials:read': { scope: 'project', minRole: 'viewer' },
  'credentials:manage': { scope: 'project', minRole: 'admin' },
  'targets:read': { scope: 'project', minRole: 'viewer' },
  'targets:test': { scope: 'project', minRole: 'operator' },
  'targets:manage': { scope: 'project', minRole: 'admin' },
  'jobs:read': { scope: 'project', minRole: 'viewer' },
  'jobs:manage': { scope: 'project', minRole: 'admin' },
  'runs:read': { scope: 'project', minRole: 'viewer' },
  'runs:start': { scope: 'project', minRole: 'operator' },
  'runs:cancel': { scope: 'project', minRole: 'operator' },
  'schedules:read': { scope: 'project', minRole: 'viewer' },
  'schedules:manage': { scope: 'project', minRole: 'admin' },
  'triggers:read': { scope: 'project', minRole: 'viewer' },
  'triggers:manage': { scope: 'project', minRole: 'admin' },
  // Reading channels shows recipients and webhook URLs (never secrets); managing and test sends are for admins.
  'notifications:read': { scope: 'project', minRole: 'viewer' },
  'notifications:manage': { scope: 'project', minRole: 'admin' },
  // The expression evaluator alone (no project, nothing stored): open to every signed-in caller.
  'schedules:preview': { scope: 'global', who: 'any' },
  // The audit trail: a project's for its admins; every project's (and the installation's) for global admins.
  'audit:read': { scope: 'project', minRole: 'admin' },
  'audit:readAll': { scope: 'global', who: 'admins' },
} as const satisfies Record<string, GlobalRule | ProjectRule>;

export type Permission = keyof typeof rules;
export const permissions = Object.keys(rules) as Permission[];
export const permissionScope = (p: Permission): 'global' | 'project' => rules[p].scope;

const rank: Record<ProjectRole, number> = { viewer: 1, operator: 2, admin: 3 };
export const atLeast = (role: ProjectRole, min: ProjectRole): boolean => rank[role] >= rank[min];

/**
 * The caller's role in a project: global admins are admins everywhere, API keys hold their role in
 * their own project only, users hold the role of their membership (looked up per request, so a
 * removal takes effect on the next one).
 */
export const roleInProject = (p: Principal, projectId: string, membershipRole: ProjectRole | undefined): ProjectRole | undefined => {
  if (isGlobalAdmin(p)) return 'admin';
  if (p.type === 'apiKey') return p.projectId === projectId ? p.role : undefined;
  return membershipRole;
};

export type Decision =
  | { effect: 'allow'; role?: ProjectRole }
  /** `notFound`: the caller cannot see the project at all, so it answers 404 and ids cannot be probed. */
  | { effect: 'deny'; reason: 'forbidden' | 'notFound' };

export const decide = (p: Principal, permission: Permission, project?: { role: ProjectRole | undefined }): Decision => {
  const rule: GlobalRule | ProjectRule = rules[permission];
  if (rule.scope === 'global') {
    return rule.who === 'any' || isGlobalAdmin(p) ? { effect: 'allow' } : { effect: 'deny', reason: 'forbidden' };
  }
  const role = project?.role;
  if (role === undefined) return { effect: 'deny', reason: 'notFound' };
  if (rule.adminsOnly && !isGlobalAdmin(p)) return { effect: 'deny', reason: 'forbidden' };
  return atLeast(role, rule.minRole) ? { effect: 'allow', role } : { effect: 'deny', reason: 'forbidden' };
};
