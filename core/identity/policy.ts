import { ADMINS_GROUP, type Principal } from './principal';

/** Every permission a route can require. Routes name one; handlers never check roles themselves. */
export const permissions = [
  'me:read',
  'projects:list',
  'projects:create',
  'project:read',
  'project:update',
  'project:delete',
] as const;
export type Permission = (typeof permissions)[number];

/**
 * Until project membership exists, the policy knows one role: the global `admins` group may do
 * everything, and any other signed-in user may only read. Per-project roles extend this table,
 * not the handlers.
 */
const readOnly: ReadonlySet<Permission> = new Set(['me:read', 'projects:list', 'project:read']);

export const isAllowed = (principal: Principal, permission: Permission): boolean =>
  principal.groups.includes(ADMINS_GROUP) || readOnly.has(permission);
