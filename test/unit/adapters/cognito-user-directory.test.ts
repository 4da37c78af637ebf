import {
  AliasExistsException,
  CognitoIdentityProviderClient,
  InternalErrorException,
  InvalidParameterException,
  InvalidPasswordException,
  ResourceNotFoundException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoUserDirectory } from '../../../adapters/aws/cognito-user-directory';
import { AppError } from '../../../core/errors';

const POOL = 'eu-west-1_TestPool';
const CREATED = new Date('2025-03-01T10:00:00.000Z');
const meta = { $metadata: {} };

interface Sent {
  command: string;
  input: Record<string, unknown>;
}

/** What Cognito answers to one command: a response, or an error to throw. */
type Reply = unknown;
type Responder = (command: string, input: Record<string, unknown>) => Reply;

const attributes = (username: string) => [
  { Name: 'sub', Value: `sub-${username}` },
  { Name: 'email_verified', Value: 'true' },
  { Name: 'email', Value: `${username}@example.com` },
];

const adminGetUser = (username: string, extra: Record<string, unknown> = {}) => ({
  Username: username,
  UserAttributes: attributes(username),
  UserCreateDate: CREATED,
  UserLastModifiedDate: CREATED,
  Enabled: true,
  UserStatus: 'CONFIRMED',
  ...extra,
});

const failure = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
};

describe('Cognito user directory', () => {
  let sent: Sent[];
  let respond: Responder;
  const client = new CognitoIdentityProviderClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const directory = createCognitoUserDirectory({ client, userPoolId: POOL });
  const commands = () => sent.map((s) => s.command);

  beforeEach(() => {
    sent = [];
    respond = () => ({});
    jest.spyOn(CognitoIdentityProviderClient.prototype, 'send').mockImplementation(((command: {
      constructor: { name: string };
      input: Record<string, unknown>;
    }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ command: name, input: command.input });
      const reply = respond(name, command.input);
      return reply instanceof Error ? Promise.reject(reply) : Promise.resolve({ $metadata: {}, ...(reply as object) });
    }) as never);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('invite', () => {
    it('creates the user with a temporary password and a verified email, then adds the groups', async () => {
      respond = (command) =>
        command === 'AdminCreateUser'
          ? {
              User: {
                Username: 'ivan',
                Attributes: attributes('ivan'),
                UserCreateDate: CREATED,
                Enabled: true,
                UserStatus: 'FORCE_CHANGE_PASSWORD',
              },
            }
          : {};
      const user = await directory.invite({ username: 'ivan', email: 'ivan@example.com', groups: ['admins', 'ops', 'admins'], temporaryPassword: 'Temp-pass-1!' });
      expect(sent).toEqual([
        {
          command: 'AdminCreateUser',
          input: {
            UserPoolId: POOL,
            Username: 'ivan',
            TemporaryPassword: 'Temp-pass-1!',
            UserAttributes: [
              { Name: 'email', Value: 'ivan@example.com' },
              { Name: 'email_verified', Value: 'true' },
            ],
            DesiredDeliveryMediums: ['EMAIL'],
          },
        },
        { command: 'AdminAddUserToGroup', input: { UserPoolId: POOL, Username: 'ivan', GroupName: 'admins' } },
        { command: 'AdminAddUserToGroup', input: { UserPoolId: POOL, Username: 'ivan', GroupName: 'ops' } },
      ]);
      expect(user).toEqual({
        username: 'ivan',
        sub: 'sub-ivan',
        email: 'ivan@example.com',
        status: 'FORCE_CHANGE_PASSWORD',
        enabled: true,
        groups: ['admins', 'ops'],
        mfaEnabled: false,
        createdAt: CREATED.toISOString(),
      });
    });

    it('answers CONFLICT for a taken username or email', async () => {
      respond = () => new UsernameExistsException({ message: 'User account already exists', ...meta });
      expect(await failure(directory.invite({ username: 'ivan', email: 'i@example.com', groups: ['ops'], temporaryPassword: 'Temp-pass-1!' }))).toMatchObject({
        code: 'CONFLICT',
        message: "A user named 'ivan' already exists.",
      });
      respond = () => new AliasExistsException({ message: 'An account with the given email already exists.', ...meta });
      expect(await failure(directory.invite({ username: 'ivy', email: 'i@example.com', groups: [], temporaryPassword: 'Temp-pass-1!' }))).toMatchObject({
        code: 'CONFLICT',
        message: "A user with the email address 'i@example.com' already exists.",
      });
      expect(commands()).toEqual(['AdminCreateUser', 'AdminCreateUser']);
    });

    it('answers BAD_REQUEST for what Cognito refuses, never quoting the password', async () => {
      respond = () => new InvalidPasswordException({ message: 'Password does not conform to policy: Password not long enough', ...meta });
      expect(await failure(directory.invite({ username: 'ivan', email: 'i@example.com', groups: [], temporaryPassword: 'short' }))).toMatchObject({
        code: 'BAD_REQUEST',
        message: 'Password does not conform to policy: Password not long enough',
      });
      respond = () => new InvalidParameterException({ message: "Value 'Temp-pass-1!' at 'temporaryPassword' failed", ...meta });
      const quoted = await failure(directory.invite({ username: 'ivan', email: 'i@example.com', groups: [], temporaryPassword: 'Temp-pass-1!' }));
      expect(quoted.code).toBe('BAD_REQUEST');
      expect(quoted.message).not.toContain('Temp-pass-1!');
    });

    it('removes the new user again when a group cannot be joined', async () => {
      respond = (command) =>
        command === 'AdminAddUserToGroup' ? new ResourceNotFoundException({ message: 'Group not found.', ...meta }) : { User: { Username: 'ivan' } };
      expect(await failure(directory.invite({ username: 'ivan', email: 'i@example.com', groups: ['ghosts'], temporaryPassword: 'Temp-pass-1!' }))).toMatchObject({
        code: 'BAD_REQUEST',
      });
      expect(sent.at(-1)).toEqual({ command: 'AdminDeleteUser', input: { UserPoolId: POOL, Username: 'ivan' } });
    });
  });

  describe('get', () => {
    it('combines AdminGetUser with every page of the user’s groups', async () => {
      respond = (command, input) => {
        if (command === 'AdminGetUser') return adminGetUser('olga', { UserMFASettingList: ['SOFTWARE_TOKEN_MFA'], PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' });
        return input.NextToken === undefined ? { Groups: [{ GroupName: 'admins' }], NextToken: 'page-2' } : { Groups: [{ GroupName: 'ops' }] };
      };
      await expect(directory.get('olga')).resolves.toEqual({
        username: 'olga',
        sub: 'sub-olga',
        email: 'olga@example.com',
        status: 'CONFIRMED',
        enabled: true,
        groups: ['admins', 'ops'],
        mfaEnabled: true,
        createdAt: CREATED.toISOString(),
      });
      expect(sent).toEqual([
        { command: 'AdminGetUser', input: { UserPoolId: POOL, Username: 'olga' } },
        { command: 'AdminListGroupsForUser', input: { UserPoolId: POOL, Username: 'olga', Limit: 60 } },
        { command: 'AdminListGroupsForUser', input: { UserPoolId: POOL, Username: 'olga', Limit: 60, NextToken: 'page-2' } },
      ]);
    });

    it('maps statuses the port does not know to UNKNOWN and MFA settings without TOTP to false', async () => {
      respond = (command) =>
        command === 'AdminGetUser' ? adminGetUser('arch', { UserStatus: 'ARCHIVED', Enabled: false, UserMFASettingList: ['SMS_MFA'] }) : { Groups: [] };
      await expect(directory.get('arch')).resolves.toMatchObject({ status: 'UNKNOWN', enabled: false, mfaEnabled: false, groups: [] });
    });

    it('answers undefined for a user the pool does not have', async () => {
      respond = () => new UserNotFoundException({ message: 'User does not exist.', ...meta });
      await expect(directory.get('nobody')).resolves.toBeUndefined();
    });

    it('lets other failures through', async () => {
      respond = () => new InternalErrorException({ message: 'boom', ...meta });
      await expect(directory.get('olga')).rejects.toBeInstanceOf(InternalErrorException);
    });
  });

  describe('list', () => {
    it('pages with ListUsers, wrapping its PaginationToken as the cursor', async () => {
      respond = (command, input) => {
        if (command === 'ListUsers') {
          return input.PaginationToken === undefined
            ? { Users: [{ Username: 'abe' }, { Username: 'gone' }, { Username: 'eva' }], PaginationToken: 'cognito/token+1=' }
            : { Users: [{ Username: 'zoe' }] };
        }
        if (input.Username === 'gone') return new UserNotFoundException({ message: 'User does not exist.', ...meta });
        if (command === 'AdminGetUser') return adminGetUser(String(input.Username));
        return { Groups: input.Username === 'eva' ? [{ GroupName: 'admins' }] : [] };
      };
      const first = await directory.list({ limit: 100 });
      expect(sent[0]).toEqual({ command: 'ListUsers', input: { UserPoolId: POOL, Limit: 60 } });
      // a user deleted between ListUsers and the look-ups drops out
      expect(first.items.map((u) => [u.username, u.groups])).toEqual([
        ['abe', []],
        ['eva', ['admins']],
      ]);
      expect(first.nextCursor).toBe(Buffer.from('cognito/token+1=').toString('base64url'));
      expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);

      sent = [];
      const second = await directory.list({ limit: 2, cursor: first.nextCursor });
      expect(sent[0]).toEqual({ command: 'ListUsers', input: { UserPoolId: POOL, Limit: 2, PaginationToken: 'cognito/token+1=' } });
      expect(second).toEqual({ items: [expect.objectContaining({ username: 'zoe', sub: 'sub-zoe' }) as unknown] });
    });

    it('refuses a cursor it did not hand out', async () => {
      expect(await failure(directory.list({ limit: 10, cursor: 'not base64url!' }))).toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
      expect(sent).toEqual([]);
      respond = () => new InvalidParameterException({ message: 'Invalid pagination token', ...meta });
      expect(await failure(directory.list({ limit: 10, cursor: Buffer.from('forged').toString('base64url') }))).toMatchObject({
        code: 'INVALID_CURSOR',
      });
    });
  });

  describe('setEnabled', () => {
    it('disables the user and signs them out everywhere', async () => {
      await directory.setEnabled('dave', false);
      expect(sent).toEqual([
        { command: 'AdminDisableUser', input: { UserPoolId: POOL, Username: 'dave' } },
        { command: 'AdminUserGlobalSignOut', input: { UserPoolId: POOL, Username: 'dave' } },
      ]);
    });

    it('enables the user', async () => {
      await directory.setEnabled('dave', true);
      expect(sent).toEqual([{ command: 'AdminEnableUser', input: { UserPoolId: POOL, Username: 'dave' } }]);
    });

    it('answers NOT_FOUND for a user the pool does not have', async () => {
      respond = () => new UserNotFoundException({ message: 'User does not exist.', ...meta });
      expect(await failure(directory.setEnabled('nobody', false))).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    });
  });

  describe('setGroups', () => {
    it('adds the missing groups and removes the others', async () => {
      respond = (command) => (command === 'AdminListGroupsForUser' ? { Groups: [{ GroupName: 'admins' }, { GroupName: 'ops' }] } : {});
      await directory.setGroups('gus', ['ops', 'dev', 'dev']);
      expect(sent).toEqual([
        { command: 'AdminListGroupsForUser', input: { UserPoolId: POOL, Username: 'gus', Limit: 60 } },
        { command: 'AdminAddUserToGroup', input: { UserPoolId: POOL, Username: 'gus', GroupName: 'dev' } },
        { command: 'AdminRemoveUserFromGroup', input: { UserPoolId: POOL, Username: 'gus', GroupName: 'admins' } },
      ]);
    });

    it('answers NOT_FOUND for an unknown user and BAD_REQUEST for an unknown group', async () => {
      respond = () => new UserNotFoundException({ message: 'User does not exist.', ...meta });
      expect(await failure(directory.setGroups('nobody', ['ops']))).toMatchObject({ code: 'NOT_FOUND' });
      respond = (command) =>
        command === 'AdminListGroupsForUser' ? { Groups: [] } : new ResourceNotFoundException({ message: 'Group not found.', ...meta });
      expect(await failure(directory.setGroups('gus', ['ghosts']))).toMatchObject({ code: 'BAD_REQUEST' });
    });
  });

  describe('delete', () => {
    it('deletes the user', async () => {
      await directory.delete('rob');
      expect(sent).toEqual([{ command: 'AdminDeleteUser', input: { UserPoolId: POOL, Username: 'rob' } }]);
    });

    it('answers NOT_FOUND for a user the pool does not have', async () => {
      respond = () => new UserNotFoundException({ message: 'User does not exist.', ...meta });
      expect(await failure(directory.delete('rob'))).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('MFA mode', () => {
    it('reads the pool’s MFA configuration', async () => {
      const modes: [string | undefined, string][] = [
        ['ON', 'required'],
        ['OPTIONAL', 'optional'],
        ['OFF', 'optional'],
        [undefined, 'optional'],
      ];
      for (const [configured, mode] of modes) {
        respond = () => (configured === undefined ? {} : { MfaConfiguration: configured });
        await expect(directory.getMfaMode()).resolves.toBe(mode);
      }
      expect(sent[0]).toEqual({ command: 'GetUserPoolMfaConfig', input: { UserPoolId: POOL } });
    });

    it('sets it with TOTP enabled', async () => {
      await directory.setMfaMode('required');
      await directory.setMfaMode('optional');
      expect(sent).toEqual([
        {
          command: 'SetUserPoolMfaConfig',
          input: { UserPoolId: POOL, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } },
        },
        {
          command: 'SetUserPoolMfaConfig',
          input: { UserPoolId: POOL, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } },
        },
      ]);
    });
  });
});
