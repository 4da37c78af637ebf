import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import type { UserDirectory } from '../../core/ports/user-directory';
import type { LocalDynamo } from '../../local/dynamo';
import {
  createIdpStore,
  createLocalIdentityProvider,
  createLocalUserDirectory,
  createPasswordHasher,
  type LocalIdentityProvider,
} from '../../local/identity';
import { startTestDynamo } from '../support/dynalite';

const ISSUER = 'http://127.0.0.1:3000/local-idp';
const CLIENT_ID = 'opsc-console';
const TARGET = 'AWSCognitoIdentityProviderService.';
const FAST = { N: 2 ** 10, r: 8, p: 1 };
const aString: unknown = expect.any(String);

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

interface Tokens {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
}

const payloadOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

/** The AppError a directory call fails with. */
const failure = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
};

describe('local user directory', () => {
  let dynamo: LocalDynamo;
  let dataDir: string;
  let idp: LocalIdentityProvider;
  let directory: UserDirectory;
  const clock: Clock = { now: () => new Date() };

  const call = async (action: string, body: unknown): Promise<Answer> => {
    const res = await idp.handle(TARGET + action, JSON.stringify(body));
    return { status: res.status, json: JSON.parse(res.body) as Record<string, unknown> };
  };
  const passwordAuth = (username: string, password: string) =>
    call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: username, PASSWORD: password } });
  const refreshAuth = (refreshToken: string) =>
    call('InitiateAuth', { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: CLIENT_ID, AuthParameters: { REFRESH_TOKEN: refreshToken } });
  const expectRefused = (a: Answer, message: string) => {
    expect(a.status).toBe(400);
    expect(a.json).toEqual({ __type: 'NotAuthorizedException', message });
  };
  const tokensOf = (a: Answer): Tokens => {
    expect(a.status).toBe(200);
    return a.json.AuthenticationResult as Tokens;
  };

  /** Invite, then answer NEW_PASSWORD_REQUIRED: a confirmed user with tokens. */
  const onboard = async (username: string, groups: string[] = []): Promise<Tokens> => {
    await directory.invite({ username, email: `${username}@example.com`, groups, temporaryPassword: 'Temp-pass-1!' });
    const challenge = await passwordAuth(username, 'Temp-pass-1!');
    expect(challenge.json.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    return tokensOf(
      await call('RespondToAuthChallenge', {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        ClientId: CLIENT_ID,
        Session: challenge.json.Session,
        ChallengeResponses: { USERNAME: username, NEW_PASSWORD: 'Real-pass-1!' },
      }),
    );
  };

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    dataDir = mkdtempSync(path.join(tmpdir(), 'opsc-idp-dir-'));
    idp = await createLocalIdentityProvider({
      doc: dynamo.doc,
      tableName: dynamo.tableName,
      dataDir,
      issuer: ISSUER,
      clientId: CLIENT_ID,
      userPoolId: 'local_opsc',
      clock,
      scryptCost: FAST,
    });
    directory = idp.directory;
  });

  afterAll(async () => {
    await dynamo.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('invites a user who must change the temporary password', async () => {
    const invited = await directory.invite({
      username: 'ivan',
      email: 'Ivan@Example.com',
      groups: ['admins', 'ops', 'admins'],
      temporaryPassword: 'Ivan-temp-1!',
    });
    expect(invited).toEqual({
      username: 'ivan',
      sub: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      email: 'Ivan@Example.com',
      status: 'FORCE_CHANGE_PASSWORD',
      enabled: true,
      groups: ['admins', 'ops'],
      mfaEnabled: false,
      createdAt: aString,
    });
    await expect(directory.get('ivan')).resolves.toEqual(invited);
    await expect(directory.get('IVAN')).resolves.toEqual(invited);
    await expect(directory.get('nobody')).resolves.toBeUndefined();

    const item = await dynamo.doc.send(new GetCommand({ TableName: dynamo.tableName, Key: { PK: 'IDP#USER#ivan', SK: 'PROFILE' } }));
    expect(JSON.stringify(item.Item)).not.toContain('Ivan-temp-1!');
    expect(item.Item).toMatchObject({ emailVerified: true });

    const challenge = await passwordAuth('ivan@example.com', 'Ivan-temp-1!');
    expect(challenge.json).toMatchObject({ ChallengeName: 'NEW_PASSWORD_REQUIRED', ChallengeParameters: { USER_ID_FOR_SRP: 'ivan' } });
  });

  it('answers CONFLICT for a taken username or email, and BAD_REQUEST for bad input', async () => {
    await directory.invite({ username: 'jane', email: 'jane@example.com', groups: [], temporaryPassword: 'Jane-temp-1!' });
    const byName = await failure(directory.invite({ username: 'Jane', email: 'other@example.com', groups: [], temporaryPassword: 'Jane-temp-1!' }));
    expect(byName).toMatchObject({ code: 'CONFLICT', status: 409, message: "A user named 'Jane' already exists." });
    const byEmail = await failure(directory.invite({ username: 'jane2', email: 'JANE@example.com', groups: [], temporaryPassword: 'Jane-temp-1!' }));
    expect(byEmail).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('email') as unknown });

    const weak = await failure(directory.invite({ username: 'kurt', email: 'kurt@example.com', groups: [], temporaryPassword: 'weakpass' }));
    expect(weak).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('password policy') as unknown });
    expect(weak.message).not.toContain('weakpass');
    expect(await failure(directory.invite({ username: 'kurt@x', email: 'kurt@example.com', groups: [], temporaryPassword: 'Kurt-temp-1!' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(await failure(directory.invite({ username: 'kurt', email: 'kurt@example.com', groups: ['no spaces'], temporaryPassword: 'Kurt-temp-1!' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(directory.get('kurt')).resolves.toBeUndefined();
    // '@' is refused (an email signs in as itself), '+' is fine, as in Cognito with an email alias
    await expect(directory.invite({ username: 'kurt+ops', email: 'kurt@example.com', groups: [], temporaryPassword: 'Kurt-temp-1!' })).resolves.toMatchObject({
      username: 'kurt+ops',
    });
  });

  it('lists users in username order, a page at a time, with an opaque cursor', async () => {
    // its own table, so the count is known
    const other = await startTestDynamo();
    try {
      const dir = createLocalUserDirectory({ store: createIdpStore(other.doc, other.tableName), hasher: createPasswordHasher(FAST), clock });
      await expect(dir.list({ limit: 10 })).resolves.toEqual({ items: [] });
      const names = ['pia', 'abe', 'zoe', 'max', 'eva'];
      for (const n of names) await dir.invite({ username: n, email: `${n}@example.com`, groups: [], temporaryPassword: 'List-temp-1!' });

      const seen: string[] = [];
      const cursors: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await dir.list({ limit: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((u) => u.username));
        cursor = page.nextCursor;
        if (cursor !== undefined) cursors.push(cursor);
      } while (cursor !== undefined);
      expect(seen).toEqual([...names].sort());
      // 5 users in pages of 2: two cursors, and the last page (1 user) has none
      expect(cursors).toHaveLength(2);
      for (const c of cursors) expect(c).toMatch(/^[A-Za-z0-9_-]+$/);

      const exact = await dir.list({ limit: 5 });
      expect(exact.items).toHaveLength(5);
      expect(exact).not.toHaveProperty('nextCursor');

      const tampered = Buffer.from(JSON.stringify({ PK: 'P#x', SK: 'META', Evil: 'x' })).toString('base64url');
      expect(await failure(dir.list({ limit: 2, cursor: tampered }))).toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
      expect(await failure(dir.list({ limit: 2, cursor: 'not-json' }))).toMatchObject({ code: 'INVALID_CURSOR' });
    } finally {
      await other.close();
    }
  });

  it('disables a user: sign-in, refresh and access tokens are refused until enabled again', async () => {
    const t = await onboard('dave');
    await directory.setEnabled('dave', false);
    await expect(directory.get('dave')).resolves.toMatchObject({ enabled: false, status: 'CONFIRMED' });

    expectRefused(await passwordAuth('dave', 'Real-pass-1!'), 'User is disabled.');
    expectRefused(await refreshAuth(t.RefreshToken ?? ''), 'User is disabled.');
    expectRefused(await call('GetUser', { AccessToken: t.AccessToken }), 'Access Token has been revoked');

    await directory.setEnabled('dave', true);
    await expect(directory.get('dave')).resolves.toMatchObject({ enabled: true });
    // sessions ended by the disable stay ended
    expectRefused(await refreshAuth(t.RefreshToken ?? ''), 'Refresh Token has been revoked');
    const fresh = tokensOf(await passwordAuth('dave', 'Real-pass-1!'));
    tokensOf(await refreshAuth(fresh.RefreshToken ?? ''));

    expect(await failure(directory.setEnabled('nobody', false))).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('sets groups, which tokens carry from their next refresh', async () => {
    const t = await onboard('gus', ['ops']);
    expect(payloadOf(t.AccessToken)['cognito:groups']).toEqual(['ops']);
    await directory.setGroups('gus', ['admins', 'ops', 'admins']);
    await expect(directory.get('gus')).resolves.toMatchObject({ groups: ['admins', 'ops'] });
    const refreshed = tokensOf(await refreshAuth(t.RefreshToken ?? ''));
    expect(payloadOf(refreshed.IdToken)['cognito:groups']).toEqual(['admins', 'ops']);

    await directory.setGroups('gus', []);
    const none = tokensOf(await refreshAuth(t.RefreshToken ?? ''));
    expect(payloadOf(none.AccessToken)).not.toHaveProperty('cognito:groups');

    expect(await failure(directory.setGroups('gus', ['bad group']))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await failure(directory.setGroups('nobody', ['ops']))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deletes a user and their sessions, also against a new user of the same name', async () => {
    const t = await onboard('rob');
    await directory.delete('rob');
    await expect(directory.get('rob')).resolves.toBeUndefined();
    expectRefused(await refreshAuth(t.RefreshToken ?? ''), 'Invalid Refresh Token');
    expectRefused(await call('GetUser', { AccessToken: t.AccessToken }), 'Access Token has been revoked');
    expectRefused(await passwordAuth('rob', 'Real-pass-1!'), 'Incorrect username or password.');

    const again = await onboard('rob');
    expectRefused(await refreshAuth(t.RefreshToken ?? ''), 'Invalid Refresh Token');
    expectRefused(await call('GetUser', { AccessToken: t.AccessToken }), 'Access Token has been revoked');
    tokensOf(await refreshAuth(again.RefreshToken ?? ''));

    await directory.delete('rob');
    expect(await failure(directory.delete('rob'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps the MFA mode in the table, optional by default', async () => {
    await expect(directory.getMfaMode()).resolves.toBe('optional');
    await directory.setMfaMode('required');
    await expect(directory.getMfaMode()).resolves.toBe('required');
    // another provider over the same table sees it
    const store = createIdpStore(dynamo.doc, dynamo.tableName);
    await expect(store.getMfaMode()).resolves.toBe('required');
    const item = await dynamo.doc.send(new GetCommand({ TableName: dynamo.tableName, Key: { PK: 'IDP#CONFIG', SK: 'MFA' } }));
    expect(item.Item).toMatchObject({ mode: 'required' });
    await directory.setMfaMode('optional');
    await expect(directory.getMfaMode()).resolves.toBe('optional');
  });
});
