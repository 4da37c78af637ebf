import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  AliasExistsException,
  GetUserPoolMfaConfigCommand,
  InvalidParameterException,
  InvalidPasswordException,
  ListUsersCommand,
  ResourceNotFoundException,
  SetUserPoolMfaConfigCommand,
  UserNotFoundException,
  UsernameExistsException,
  type AttributeType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { AppError, badRequest, conflict, notFound } from '../../core/errors';
import type { Page } from '../../core/pagination';
import type { DirectoryUser, UserDirectory, UserStatus } from '../../core/ports/user-directory';

/**
 * The user directory on AWS: Cognito's Admin* API over the user pool (the Lambda's role needs
 * these actions on the pool). Cognito answers a user's groups and MFA settings only per user, so
 * `get` costs two calls (AdminGetUser, AdminListGroupsForUser) and a page of `list` two more per
 * user on top of ListUsers; pages are at most 60 users (ListUsers' maximum).
 */
export interface CognitoUserDirectoryOptions {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
}

/** ListUsers and AdminListGroupsForUser answer at most 60 at a time. */
const COGNITO_PAGE_MAX = 60;
/** Per-user look-ups of a page run this many at a time, to stay clear of Cognito's request-rate quotas. */
const LOOKUP_CONCURRENCY = 5;

const statuses: readonly UserStatus[] = ['FORCE_CHANGE_PASSWORD', 'CONFIRMED', 'RESET_REQUIRED', 'UNCONFIRMED', 'UNKNOWN'];
const statusOf = (s: string | undefined): UserStatus => statuses.find((x) => x === s) ?? 'UNKNOWN';

const attribute = (attrs: AttributeType[] | undefined, name: string): string =>
  attrs?.find((a) => a.Name === name)?.Value ?? '';

const invalidCursor = () => new AppError('INVALID_CURSOR', 'The cursor is not one this API handed out.');

/** Cognito's PaginationToken, wrapped so callers treat it as opaque. */
const encodeCursor = (token: string | undefined): string | undefined =>
  token === undefined || token === '' ? undefined : Buffer.from(token, 'utf8').toString('base64url');

const decodeCursor = (cursor: string | undefined): string | undefined => {
  if (cursor === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  const token = Buffer.from(cursor, 'base64url').toString('utf8');
  if (token === '' || Buffer.from(token, 'utf8').toString('base64url') !== cursor) throw invalidCursor();
  return token;
};

/** Map items with at most `limit` promises in flight, keeping the order. */
const mapLimited = async <T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};

export const createCognitoUserDirectory = ({ client, userPoolId }: CognitoUserDirectoryOptions): UserDirectory => {
  const UserPoolId = userPoolId;

  const listGroups = async (username: string): Promise<string[]> => {
    const groups: string[] = [];
    let NextToken: string | undefined;
    do {
      const out = await client.send(
        new AdminListGroupsForUserCommand({ UserPoolId, Username: username, Limit: COGNITO_PAGE_MAX, ...(NextToken === undefined ? {} : { NextToken }) }),
      );
      for (const g of out.Groups ?? []) if (g.GroupName !== undefined) groups.push(g.GroupName);
      NextToken = out.NextToken;
    } while (NextToken !== undefined && NextToken !== '');
    return groups;
  };

  const get = async (username: string): Promise<DirectoryUser | undefined> => {
    try {
      const out = await client.send(new AdminGetUserCommand({ UserPoolId, Username: username }));
      const groups = await listGroups(username);
      return {
        username: out.Username ?? username,
        sub: attribute(out.UserAttributes, 'sub'),
        email: attribute(out.UserAttributes, 'email'),
        status: statusOf(out.UserStatus),
        enabled: out.Enabled ?? false,
        groups,
        mfaEnabled: out.UserMFASettingList?.includes('SOFTWARE_TOKEN_MFA') ?? false,
        createdAt: (out.UserCreateDate ?? new Date(0)).toISOString(),
      };
    } catch (e) {
      // Also when the user is deleted between the two calls.
      if (e instanceof UserNotFoundException) return undefined;
      throw e;
    }
  };

  const invite: UserDirectory['invite'] = async ({ username, email, groups, temporaryPassword }) => {
    let created;
    try {
      created = await client.send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username: username,
          TemporaryPassword: temporaryPassword,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
    } catch (e) {
      if (e instanceof UsernameExistsException) throw conflict(`A user named '${username}' already exists.`);
      // Email is a sign-in alias of the pool: a verified address belongs to one user only.
      if (e instanceof AliasExistsException) throw conflict(`A user with the email address '${email}' already exists.`);
      if (e instanceof InvalidPasswordException || e instanceof InvalidParameterException) {
        // Cognito's validation messages are shown to the admin, unless one were ever to quote the password.
        throw badRequest(e.message.includes(temporaryPassword) ? 'Cognito refused the new user.' : e.message);
      }
      throw e;
    }
    const unique = [...new Set(groups)];
    try {
      for (const GroupName of unique) {
        await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: username, GroupName }));
      }
    } catch (e) {
      // No half-made user (without the groups asked for) stays behind; the invitation can be repeated.
      await client.send(new AdminDeleteUserCommand({ UserPoolId, Username: username })).catch(() => undefined);
      if (e instanceof ResourceNotFoundException) throw badRequest(`A group the user should join does not exist: ${unique.join(', ')}.`);
      throw e;
    }
    const u = created.User;
    return {
      username: u?.Username ?? username,
      sub: attribute(u?.Attributes, 'sub'),
      email: attribute(u?.Attributes, 'email') || email,
      status: statusOf(u?.UserStatus ?? 'FORCE_CHANGE_PASSWORD'),
      enabled: u?.Enabled ?? true,
      groups: unique,
      mfaEnabled: false,
      createdAt: (u?.UserCreateDate ?? new Date()).toISOString(),
    };
  };

  const list: UserDirectory['list'] = async (page) => {
    const PaginationToken = decodeCursor(page.cursor);
    let out;
    try {
      out = await client.send(
        new ListUsersCommand({
          UserPoolId,
          Limit: Math.min(Math.max(Math.trunc(page.limit), 1), COGNITO_PAGE_MAX),
          ...(PaginationToken === undefined ? {} : { PaginationToken }),
        }),
      );
    } catch (e) {
      // A token Cognito does not recognise (tampered, or from another pool).
      if (PaginationToken !== undefined && e instanceof InvalidParameterException) throw invalidCursor();
      throw e;
    }
    const usernames = (out.Users ?? []).flatMap((u) => (u.Username === undefined ? [] : [u.Username]));
    // ListUsers says nothing of groups or TOTP; users deleted meanwhile drop out of the page.
    const users = await mapLimited(usernames, LOOKUP_CONCURRENCY, get);
    const items = users.filter((u): u is DirectoryUser => u !== undefined);
    const nextCursor = encodeCursor(out.PaginationToken);
    const result: Page<DirectoryUser> = nextCursor === undefined ? { items } : { items, nextCursor };
    return result;
  };

  /** Runs a per-user command, answering NOT_FOUND for a user the pool does not have. */
  const forUser = async <T>(username: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      if (e instanceof UserNotFoundException) throw notFound('User', username);
      throw e;
    }
  };

  const setEnabled: UserDirectory['setEnabled'] = (username, enabled) =>
    forUser(username, async () => {
      if (enabled) {
        await client.send(new AdminEnableUserCommand({ UserPoolId, Username: username }));
        return;
      }
      await client.send(new AdminDisableUserCommand({ UserPoolId, Username: username }));
      // Ends every session: refresh tokens stop working (access tokens run out within the hour;
      // the authorizer refuses a blocked user at once).
      await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: username }));
    });

  const setGroups: UserDirectory['setGroups'] = (username, groups) =>
    forUser(username, async () => {
      const current = new Set(await listGroups(username));
      const desired = new Set(groups);
      try {
        for (const GroupName of desired) {
          if (!current.has(GroupName)) await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: username, GroupName }));
        }
      } catch (e) {
        if (e instanceof ResourceNotFoundException) throw badRequest(`A group in ${[...desired].join(', ')} does not exist.`);
        throw e;
      }
      for (const GroupName of current) {
        if (!desired.has(GroupName)) await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: username, GroupName }));
      }
    });

  const remove: UserDirectory['delete'] = (username) =>
    forUser(username, async () => {
      // Deleting a user also ends their sessions: Cognito refuses the refresh tokens of a deleted user.
      await client.send(new AdminDeleteUserCommand({ UserPoolId, Username: username }));
    });

  const getMfaMode: UserDirectory['getMfaMode'] = async () => {
    const out = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId }));
    return out.MfaConfiguration === 'ON' ? 'required' : 'optional';
  };

  const setMfaMode: UserDirectory['setMfaMode'] = async (mode) => {
    await client.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId,
        MfaConfiguration: mode === 'required' ? 'ON' : 'OPTIONAL',
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
  };

  return { invite, get, list, setEnabled, setGroups, delete: remove, getMfaMode, setMfaMode };
};
