import { conflict, notFound } from '../errors';
import { SettingsUpdated, UserDeleted, UserInvited, UserUpdated } from '../events/catalog';
import type { RandomBytes } from '../ids';
import { ADMINS_GROUP, actorOf, type Principal } from '../identity/principal';
import type { Page } from '../pagination';
import type { MemberStore, UserAccessStore } from '../ports/access-store';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { DirectoryUser, UserDirectory } from '../ports/user-directory';
import type { InviteUserInput, SettingsInput, UpdateUserInput } from './schema';

export interface UserDeps {
  directory: UserDirectory;
  members: MemberStore;
  userAccess: UserAccessStore;
  bus: EventBus;
  random: RandomBytes;
}

export interface UserView {
  userId: string;
  email: string;
  status: DirectoryUser['status'];
  enabled: boolean;
  admin: boolean;
  mfaEnabled: boolean;
  createdAt: string;
}

const view = (u: DirectoryUser): UserView => ({
  userId: u.username,
  email: u.email,
  status: u.status,
  enabled: u.enabled,
  admin: u.groups.includes(ADMINS_GROUP),
  mfaEnabled: u.mfaEnabled,
  createdAt: u.createdAt,
});

/**
 * A temporary password that satisfies Cognito's default policy: 20 characters drawn from each of
 * lower, upper, digits and symbols, the first four guaranteed one of each.
 */
const ALPHABETS = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!@#$%^&*-_=+?'];
export const temporaryPassword = (random: RandomBytes): string => {
  const bytes = random(20);
  const all = ALPHABETS.join('');
  return [...bytes]
    .map((b, i) => {
      const alphabet = i < ALPHABETS.length ? (ALPHABETS[i] ?? all) : all;
      return alphabet.charAt(b % alphabet.length);
    })
    .join('');
};

const mustGet = async (deps: Pick<UserDeps, 'directory'>, userId: string): Promise<DirectoryUser> => {
  const user = await deps.directory.get(userId);
  if (!user) throw notFound('User', userId);
  return user;
};

export const listUsers = async (deps: Pick<UserDeps, 'directory'>, page: { limit: number; cursor?: string | undefined }): Promise<Page<UserView>> => {
  const res = await deps.directory.list(page);
  return { ...res, items: res.items.map(view) };
};

/** Answers the temporary password once: the admin hands it over (Cognito also emails it on AWS). */
export const inviteUser = async (deps: UserDeps, by: Principal, input: InviteUserInput): Promise<{ user: UserView; temporaryPassword: string }> => {
  const password = temporaryPassword(deps.random);
  const user = await deps.directory.invite({
    username: input.username,
    email: input.email,
    groups: input.admin ? [ADMINS_GROUP] : [],
    temporaryPassword: password,
  });
  // A previous account of the same name may have been deleted, blocked and stripped of groups.
  await deps.userAccess.setBlocked(user.username, false);
  await deps.userAccess.setRevokedGroups(user.username, []);
  await deps.bus.publish([eventOf(UserInvited, { actor: actorOf(by), user: { userId: user.username, email: user.email, admin: input.admin } })]);
  return { user: view(user), temporaryPassword: password };
};

export const updateUser = async (deps: UserDeps, by: Principal, userId: string, input: UpdateUserInput): Promise<UserView> => {
  const user = await mustGet(deps, userId);
  const self = by.type === 'user' && by.username === user.username;
  if (self && (input.enabled === false || input.admin === false)) {
    throw conflict('You cannot disable yourself or remove your own admin rights; ask another admin.');
  }
  if (input.enabled !== undefined && input.enabled !== user.enabled) {
    await deps.directory.setEnabled(userId, input.enabled);
    // Access tokens outlive a disable in Cognito; our authorizer refuses blocked users at once.
    await deps.userAccess.setBlocked(userId, !input.enabled);
  }
  const isAdmin = user.groups.includes(ADMINS_GROUP);
  if (input.admin !== undefined && input.admin !== isAdmin) {
    const groups = input.admin ? [...user.groups, ADMINS_GROUP] : user.groups.filter((g) => g !== ADMINS_GROUP);
    await deps.directory.setGroups(userId, groups);
    // Tokens issued before still say `admins` for up to an hour; the authorizer ignores it from now on.
    await deps.userAccess.setRevokedGroups(userId, input.admin ? [] : [ADMINS_GROUP]);
  }
  const changes = {
    ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
    ...(input.admin === undefined ? {} : { admin: input.admin }),
  };
  await deps.bus.publish([eventOf(UserUpdated, { actor: actorOf(by), user: { userId, email: user.email }, changes })]);
  return view(await mustGet(deps, userId));
};

export const deleteUser = async (deps: UserDeps, by: Principal, userId: string): Promise<void> => {
  const user = await mustGet(deps, userId);
  if (by.type === 'user' && by.username === user.username) throw conflict('You cannot delete yourself; ask another admin.');
  await deps.userAccess.setBlocked(userId, true);
  await deps.directory.delete(userId);
  await deps.members.deleteAllOfUser(userId);
  await deps.bus.publish([eventOf(UserDeleted, { actor: actorOf(by), user: { userId, email: user.email } })]);
};

export const getSettings = async (deps: Pick<UserDeps, 'directory'>) => ({ mfa: await deps.directory.getMfaMode() });

export const updateSettings = async (deps: Pick<UserDeps, 'directory' | 'bus'>, by: Principal, input: SettingsInput) => {
  await deps.directory.setMfaMode(input.mfa);
  await deps.bus.publish([eventOf(SettingsUpdated, { actor: actorOf(by), settings: { mfa: input.mfa } })]);
  return { mfa: input.mfa };
};
