import type { Clock } from '../../core/clock';
import { badRequest, conflict, notFound } from '../../core/errors';
import type { Page } from '../../core/pagination';
import type { DirectoryUser, UserDirectory } from '../../core/ports/user-directory';
import { decodeCursor, encodeCursor } from '../../adapters/aws/cursor';
import { createLockout } from './lockout';
import type { PasswordHasher } from './passwords';
import { userListKeyAttributes, type IdpStore, type IdpUser } from './store';
import { InvalidUserInput, createUser, isGroupName } from './users';

/**
 * The user directory over the local identity provider's table: what the admin API does to users
 * locally, as Cognito's Admin* operations do it on AWS (adapters/aws/cognito-user-directory.ts).
 * Disabling or deleting a user ends their sessions at once: refresh tokens and access tokens are
 * bound to the user's token generation and `sub`, which these operations move on or remove.
 */
export interface LocalDirectoryDeps {
  store: IdpStore;
  hasher: PasswordHasher;
  clock: Clock;
}

export const toDirectoryUser = (u: IdpUser): DirectoryUser => ({
  username: u.username,
  sub: u.sub,
  email: u.email,
  status: u.status,
  enabled: u.enabled,
  groups: [...u.groups],
  mfaEnabled: u.totp?.enabled === true,
  createdAt: u.createdAt,
});

export const createLocalUserDirectory = (deps: LocalDirectoryDeps): UserDirectory => {
  const { store, clock } = deps;
  const lockout = createLockout(deps);

  const invite: UserDirectory['invite'] = async (input) => {
    let result;
    try {
      result = await createUser(deps, {
        username: input.username,
        email: input.email,
        password: input.temporaryPassword,
        temporaryPassword: true,
        groups: input.groups,
        // As on AWS, where the invitation goes to that address (AdminCreateUser with email_verified=true).
        emailVerified: true,
      });
    } catch (e) {
      if (e instanceof InvalidUserInput) throw badRequest(e.message);
      throw e;
    }
    if (!result.created) {
      throw result.conflict === 'username'
        ? conflict(`A user named '${input.username}' already exists.`)
        : conflict(`A user with the email address '${input.email}' already exists.`);
    }
    return toDirectoryUser(result.user);
  };

  const get: UserDirectory['get'] = async (username) => {
    const user = await store.getUser(username);
    return user === undefined ? undefined : toDirectoryUser(user);
  };

  const list: UserDirectory['list'] = async (page) => {
    const startKey = decodeCursor(page.cursor, userListKeyAttributes);
    const limit = Math.min(Math.max(Math.trunc(page.limit), 1), 100);
    const { users, lastKey } = await store.listUsers(limit, startKey);
    const items = users.map(toDirectoryUser);
    const nextCursor = encodeCursor(lastKey);
    const out: Page<DirectoryUser> = nextCursor === undefined ? { items } : { items, nextCursor };
    return out;
  };

  const setEnabled: UserDirectory['setEnabled'] = async (username, enabled) => {
    // Disabling moves the token generation on: every refresh and access token of the user stops working.
    const updated = await store.updateUser(username, { enabled }, !enabled, clock.now());
    if (updated === undefined) throw notFound('User', username);
  };

  const setGroups: UserDirectory['setGroups'] = async (username, groups) => {
    const unique = [...new Set(groups)];
    const bad = unique.find((g) => !isGroupName(g));
    if (bad !== undefined) throw badRequest(`Invalid group name '${bad}'.`);
    // Like Cognito: tokens already issued keep their groups until they are refreshed.
    const updated = await store.updateUser(username, { groups: unique }, false, clock.now());
    if (updated === undefined) throw notFound('User', username);
  };

  const remove: UserDirectory['delete'] = async (username) => {
    // Refresh and access tokens name the user and their sub: with the item gone they are refused,
    // also if someone is later invited under the same name (a new sub).
    const deleted = await store.deleteUser(username);
    if (deleted === undefined) throw notFound('User', username);
    await lockout.clear(lockout.keyForUser(deleted.username));
  };

  return {
    invite,
    get,
    list,
    setEnabled,
    setGroups,
    delete: remove,
    getMfaMode: () => store.getMfaMode(),
    setMfaMode: (mode) => store.setMfaMode(mode, clock.now()),
  };
};
