import { createHash } from 'node:crypto';
import nodeCrypto from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AssociateSoftwareTokenCommand,
  CodeMismatchException,
  CognitoIdentityProviderClient,
  EnableSoftwareTokenMFAException,
  ExpiredCodeException,
  GetUserCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Secret, TOTP } from 'otpauth';
import type { Clock } from '../../core/clock';
import type { LocalDynamo } from '../../local/dynamo';
import {
  createIdpStore,
  createLocalIdentityProvider,
  createPasswordHasher,
  createUser,
  type IdentityProviderOptions,
  type LocalIdentityProvider,
  type NewUser,
} from '../../local/identity';
import { startTestDynamo } from '../support/dynalite';

const ISSUER = 'http://127.0.0.1:3000/local-idp';
const CLIENT_ID = 'opsc-console';
const TARGET = 'AWSCognitoIdentityProviderService.';
const FAST = { N: 2 ** 10, r: 8, p: 1 };
const aString: unknown = expect.any(String);

/** Real time plus an offset the tests move, so tokens stay verifiable and TOTP steps advance. */
const movableClock = (): Clock & { advance(ms: number): void; reset(): void } => {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
    reset: () => {
      offset = 0;
    },
  };
};

interface Answer {
  status: number;
  headers: Record<string, string>;
  json: Record<string, unknown>;
}

interface Tokens {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
}

const call = async (idp: LocalIdentityProvider, action: string, body: unknown): Promise<Answer> => {
  const res = await idp.handle(TARGET + action, JSON.stringify(body));
  return { status: res.status, headers: res.headers, json: JSON.parse(res.body) as Record<string, unknown> };
};

const expectCognitoError = (a: Answer, type: string, message?: string | RegExp) => {
  expect(a.status).toBe(400);
  expect(a.headers['x-amzn-ErrorType']).toBe(type);
  expect(a.json.__type).toBe(type);
  if (message !== undefined) expect(a.json.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
};

const tokensOf = (a: Answer): Tokens => {
  expect(a.status).toBe(200);
  expect(a.json).not.toHaveProperty('ChallengeName');
  return a.json.AuthenticationResult as Tokens;
};

const payloadOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

const totpOf = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
const codeAt = (secret: string, clock: Clock): string => totpOf(secret).generate({ timestamp: clock.now().getTime() });
/** A code that is none of the three the provider accepts now (previous, current, next step). */
const wrongCodeAt = (secret: string, clock: Clock): string => {
  const t = clock.now().getTime();
  const valid = new Set([-30_000, 0, 30_000].map((d) => totpOf(secret).generate({ timestamp: t + d })));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
};

describe('local identity provider: lockout, TOTP MFA and the account operations', () => {
  let dynamo: LocalDynamo;
  let dataDir: string;
  let idp: LocalIdentityProvider;
  const clock = movableClock();
  const internalErrors: unknown[] = [];
  /** Every password and TOTP secret the tests handle: none may be stored in plaintext. */
  const secrets = new Set<string>();

  const options = (overrides: Partial<IdentityProviderOptions> = {}): IdentityProviderOptions => ({
    doc: dynamo.doc,
    tableName: dynamo.tableName,
    dataDir,
    issuer: ISSUER,
    clientId: CLIENT_ID,
    userPoolId: 'local_opsc',
    clock,
    scryptCost: FAST,
    onInternalError: (e) => internalErrors.push(e),
    ...overrides,
  });

  const addUser = async (input: NewUser & { password: string }) => {
    secrets.add(input.password);
    const store = createIdpStore(dynamo.doc, dynamo.tableName);
    const result = await createUser({ store, hasher: createPasswordHasher(FAST), clock }, input);
    if (!result.created) throw new Error(`user not created: ${result.conflict}`);
    return result.user;
  };

  const passwordAuth = (username: string, password: string) =>
    call(idp, 'InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: username, PASSWORD: password } });
  const refreshAuth = (refreshToken: string) =>
    call(idp, 'InitiateAuth', { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: CLIENT_ID, AuthParameters: { REFRESH_TOKEN: refreshToken } });
  const answerTotp = (session: string, username: string, code: string) =>
    call(idp, 'RespondToAuthChallenge', {
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      ClientId: CLIENT_ID,
      Session: session,
      ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
    });
  const signIn = async (username: string, password: string): Promise<Tokens> => tokensOf(await passwordAuth(username, password));

  /** Associate → Verify → SetUserMFAPreference with an access token; answers the secret. */
  const enrolTotp = async (accessToken: string, device?: string): Promise<string> => {
    const associated = await call(idp, 'AssociateSoftwareToken', { AccessToken: accessToken });
    expect(associated.status).toBe(200);
    const secret = String(associated.json.SecretCode);
    secrets.add(secret);
    const verified = await call(idp, 'VerifySoftwareToken', {
      AccessToken: accessToken,
      UserCode: codeAt(secret, clock),
      ...(device === undefined ? {} : { FriendlyDeviceName: device }),
    });
    expect(verified.json).toEqual({ Status: 'SUCCESS' });
    const pref = await call(idp, 'SetUserMFAPreference', {
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    });
    expect(pref.json).toEqual({});
    return secret;
  };

  const userItem = async (username: string) =>
    (await dynamo.doc.send(new GetCommand({ TableName: dynamo.tableName, Key: { PK: `IDP#USER#${username}`, SK: 'PROFILE' } }))).Item;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    dataDir = mkdtempSync(path.join(tmpdir(), 'opsc-idp-mfa-'));
    idp = await createLocalIdentityProvider(options());
  });

  afterAll(async () => {
    await dynamo.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    clock.reset();
    await idp.directory.setMfaMode('optional');
    jest.restoreAllMocks();
  });

  describe('lockout', () => {
    it('locks an account for 15 minutes after 5 failed passwords, without checking the password meanwhile', async () => {
      await addUser({ username: 'lena', email: 'lena@example.com', password: 'Lena-pass-1' });
      for (let i = 0; i < 5; i++) {
        expectCognitoError(await passwordAuth('lena', `Wrong-pass-${i}`), 'NotAuthorizedException', 'Incorrect username or password.');
      }
      const scrypt = jest.spyOn(nodeCrypto, 'scrypt');
      expectCognitoError(await passwordAuth('lena', 'Lena-pass-1'), 'NotAuthorizedException', 'Password attempts exceeded');
      expectCognitoError(await passwordAuth('LENA@example.com', 'Wrong-pass-9'), 'NotAuthorizedException', 'Password attempts exceeded');
      expect(scrypt).not.toHaveBeenCalled();

      clock.advance(14 * 60 * 1000);
      expectCognitoError(await passwordAuth('lena', 'Lena-pass-1'), 'NotAuthorizedException', 'Password attempts exceeded');
      clock.advance(60 * 1000 + 1000);
      await signIn('lena', 'Lena-pass-1');
      // the spy does see hashing: the locked answers above simply did none
      expect(scrypt).toHaveBeenCalled();
    });

    it('resets the count on a successful sign-in', async () => {
      await addUser({ username: 'lars', email: 'lars@example.com', password: 'Lars-pass-1' });
      for (let i = 0; i < 4; i++) expectCognitoError(await passwordAuth('lars', 'Wrong-pass-1'), 'NotAuthorizedException');
      await signIn('lars', 'Lars-pass-1');
      for (let i = 0; i < 4; i++) expectCognitoError(await passwordAuth('lars', 'Wrong-pass-1'), 'NotAuthorizedException');
      await signIn('lars', 'Lars-pass-1');
      // failures by email and by username count together
      for (let i = 0; i < 3; i++) expectCognitoError(await passwordAuth('lars@example.com', 'Wrong-pass-1'), 'NotAuthorizedException');
      for (let i = 0; i < 2; i++) expectCognitoError(await passwordAuth('lars', 'Wrong-pass-1'), 'NotAuthorizedException');
      expectCognitoError(await passwordAuth('lars', 'Lars-pass-1'), 'NotAuthorizedException', 'Password attempts exceeded');
    });

    it('locks unknown logins the same way, keeping only a hash of what was typed', async () => {
      for (let i = 0; i < 5; i++) {
        expectCognitoError(await passwordAuth('ghost', 'Wrong-pass-1'), 'NotAuthorizedException', 'Incorrect username or password.');
      }
      expectCognitoError(await passwordAuth('ghost', 'Wrong-pass-1'), 'NotAuthorizedException', 'Password attempts exceeded');
      const hash = createHash('sha256').update('login:ghost').digest('hex');
      const item = await dynamo.doc.send(
        new GetCommand({ TableName: dynamo.tableName, Key: { PK: `IDP#ATTEMPTS#${hash}`, SK: 'ATTEMPTS' } }),
      );
      expect(item.Item).toMatchObject({ failedAttempts: 0, lockedUntil: expect.any(Number) as unknown });
      expect(JSON.stringify(item.Item)).not.toContain('ghost');
    });
  });

  describe('GetUser and access tokens', () => {
    it('answers the signed-in user’s attributes', async () => {
      const u = await addUser({ username: 'gina', email: 'Gina@Example.com', password: 'Gina-pass-1', emailVerified: true });
      const t = await signIn('gina', 'Gina-pass-1');
      const res = await call(idp, 'GetUser', { AccessToken: t.AccessToken });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        Username: 'gina',
        UserAttributes: [
          { Name: 'sub', Value: u.sub },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'email', Value: 'Gina@Example.com' },
        ],
      });
      // tokens minted for tooling work too
      const minted = await idp.issueTokens('gina');
      expect((await call(idp, 'GetUser', { AccessToken: minted.accessToken })).json.Username).toBe('gina');
    });

    it('refuses tokens that are not a valid, current access token of this pool', async () => {
      await addUser({ username: 'hugo', email: 'hugo@example.com', password: 'Hugo-pass-1' });
      const t = await signIn('hugo', 'Hugo-pass-1');
      const getUser = (token: string) => call(idp, 'GetUser', { AccessToken: token });

      expectCognitoError(await getUser(t.IdToken), 'NotAuthorizedException', 'Invalid Access Token');
      expectCognitoError(await getUser('not.a.token'), 'NotAuthorizedException', 'Invalid Access Token');
      const [h, p, s] = t.AccessToken.split('.');
      const forged = Buffer.from(JSON.stringify({ ...payloadOf(t.AccessToken), username: 'gina' })).toString('base64url');
      expectCognitoError(await getUser(`${h ?? ''}.${forged}.${s ?? ''}`), 'NotAuthorizedException', 'Invalid Access Token');
      expectCognitoError(await getUser(`${h ?? ''}.${p ?? ''}.${(s ?? '').slice(0, -4)}AAAA`), 'NotAuthorizedException', 'Invalid Access Token');

      // another pool's key (another data folder) is not ours
      const otherDir = mkdtempSync(path.join(tmpdir(), 'opsc-idp-other-'));
      try {
        const other = await createLocalIdentityProvider(options({ dataDir: otherDir }));
        const foreign = await other.issueTokens('hugo');
        expectCognitoError(await getUser(foreign.accessToken), 'NotAuthorizedException', 'Invalid Access Token');
      } finally {
        rmSync(otherDir, { recursive: true, force: true });
      }

      const expired = await idp.issueTokens('hugo', { expiresInSeconds: -5 });
      expectCognitoError(await getUser(expired.accessToken), 'NotAuthorizedException', 'Access Token has expired');
      clock.advance(3601 * 1000);
      expectCognitoError(await getUser(t.AccessToken), 'NotAuthorizedException', 'Access Token has expired');
      clock.reset();

      expectCognitoError(await call(idp, 'GetUser', {}), 'InvalidParameterException', /accessToken/);
    });
  });

  describe('TOTP', () => {
    it('enrols with Associate → Verify → SetUserMFAPreference, then asks for a code at sign-in', async () => {
      await addUser({ username: 'tina', email: 'tina@example.com', password: 'Tina-pass-1' });
      const t = await signIn('tina', 'Tina-pass-1');

      const associated = await call(idp, 'AssociateSoftwareToken', { AccessToken: t.AccessToken });
      expect(associated.json).toEqual({ SecretCode: expect.stringMatching(/^[A-Z2-7]{32}$/) as unknown });
      expect(associated.headers['Cache-Control']).toBe('no-store');
      const secret = String(associated.json.SecretCode);
      secrets.add(secret);
      const pendingItem = await userItem('tina');
      expect(pendingItem?.totpPending).toEqual({ secret: expect.stringMatching(/^v1\./) as unknown, createdAt: aString });
      expect(JSON.stringify(pendingItem)).not.toContain(secret);

      // not verified yet: nothing to enable, nothing asked at sign-in
      expectCognitoError(
        await call(idp, 'SetUserMFAPreference', { AccessToken: t.AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }),
        'InvalidParameterException',
        'User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA',
      );
      expect((await call(idp, 'GetUser', { AccessToken: t.AccessToken })).json).not.toHaveProperty('UserMFASettingList');

      expectCognitoError(
        await call(idp, 'VerifySoftwareToken', { AccessToken: t.AccessToken, UserCode: wrongCodeAt(secret, clock) }),
        'EnableSoftwareTokenMFAException',
        'Code mismatch and fail enable Software Token MFA',
      );
      expectCognitoError(await call(idp, 'VerifySoftwareToken', { AccessToken: t.AccessToken, UserCode: '12345' }), 'InvalidParameterException', /userCode/);
      const enrolCode = codeAt(secret, clock);
      const verified = await call(idp, 'VerifySoftwareToken', { AccessToken: t.AccessToken, UserCode: enrolCode, FriendlyDeviceName: 'phone' });
      expect(verified.json).toEqual({ Status: 'SUCCESS' });
      tokensOf(await passwordAuth('tina', 'Tina-pass-1')); // verified but not enabled: no code asked yet

      expect(
        (await call(idp, 'SetUserMFAPreference', { AccessToken: t.AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } })).json,
      ).toEqual({});
      const me = await call(idp, 'GetUser', { AccessToken: t.AccessToken });
      expect(me.json).toMatchObject({ PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] });
      expect(await idp.directory.get('tina')).toMatchObject({ mfaEnabled: true });
      const item = await userItem('tina');
      expect(item).not.toHaveProperty('totpPending');
      expect(item?.totp).toMatchObject({ enabled: true, preferred: true, friendlyDeviceName: 'phone' });
      expect(JSON.stringify(item)).not.toContain(secret);

      const challenge = await passwordAuth('tina', 'Tina-pass-1');
      expect(challenge.json).toEqual({
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: aString,
        ChallengeParameters: { FRIENDLY_DEVICE_NAME: 'phone', USER_ID_FOR_SRP: 'tina' },
      });
      const session = String(challenge.json.Session);
      // the code that verified the device was spent there
      expectCognitoError(await answerTotp(session, 'tina', enrolCode), 'ExpiredCodeException', 'Your software token has already been used once.');
      expectCognitoError(await answerTotp(session, 'tina', wrongCodeAt(secret, clock)), 'CodeMismatchException', 'Invalid code or auth state for the user.');
      expectCognitoError(await answerTotp(session, 'olga', codeAt(secret, clock)), 'NotAuthorizedException', 'Invalid session for the user.');

      clock.advance(30_000);
      const code = codeAt(secret, clock);
      const done = tokensOf(await answerTotp(session, 'tina', code));
      expect(payloadOf(done.AccessToken)).toMatchObject({ username: 'tina' });
      expect(done.RefreshToken).toEqual(aString);
      expectCognitoError(await answerTotp(session, 'tina', code), 'NotAuthorizedException', 'Invalid session for the user, session can only be used once.');

      // the same code does not sign in twice, even within its window
      const again = await passwordAuth('tina', 'Tina-pass-1');
      expectCognitoError(await answerTotp(String(again.json.Session), 'tina', code), 'ExpiredCodeException', 'Your software token has already been used once.');
      clock.advance(30_000);
      tokensOf(await answerTotp(String(again.json.Session), 'tina', codeAt(secret, clock)));

      // turned off, sign-in asks for no code
      await call(idp, 'SetUserMFAPreference', { AccessToken: done.AccessToken, SoftwareTokenMfaSettings: { Enabled: false } });
      expect((await call(idp, 'GetUser', { AccessToken: done.AccessToken })).json).not.toHaveProperty('UserMFASettingList');
      tokensOf(await passwordAuth('tina', 'Tina-pass-1'));
      expect(await idp.directory.get('tina')).toMatchObject({ mfaEnabled: false });
    });

    it('counts wrong codes toward the lockout, so a password alone cannot guess codes', async () => {
      await addUser({ username: 'walt', email: 'walt@example.com', password: 'Walt-pass-1' });
      const secret = await enrolTotp((await signIn('walt', 'Walt-pass-1')).AccessToken);
      clock.advance(30_000);
      for (let i = 0; i < 5; i++) {
        // a right password in between does not reset the count while a code is still due
        const challenge = await passwordAuth('walt', 'Walt-pass-1');
        expect(challenge.json.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
        expectCognitoError(await answerTotp(String(challenge.json.Session), 'walt', wrongCodeAt(secret, clock)), 'CodeMismatchException');
      }
      expectCognitoError(await passwordAuth('walt', 'Walt-pass-1'), 'NotAuthorizedException', 'Password attempts exceeded');
      clock.advance(15 * 60 * 1000 + 1000);
      const challenge = await passwordAuth('walt', 'Walt-pass-1');
      tokensOf(await answerTotp(String(challenge.json.Session), 'walt', codeAt(secret, clock)));
    });

    it('in a pool that requires MFA, sets up TOTP during sign-in (MFA_SETUP)', async () => {
      await idp.directory.setMfaMode('required');
      await addUser({ username: 'mona', email: 'mona@example.com', password: 'Mona-pass-1' });
      const challenge = await passwordAuth('mona', 'Mona-pass-1');
      expect(challenge.json).toEqual({
        ChallengeName: 'MFA_SETUP',
        Session: aString,
        ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]', USER_ID_FOR_SRP: 'mona' },
      });
      const s1 = String(challenge.json.Session);
      const respondSetup = (session: string) =>
        call(idp, 'RespondToAuthChallenge', { ChallengeName: 'MFA_SETUP', ClientId: CLIENT_ID, Session: session, ChallengeResponses: { USERNAME: 'mona' } });

      // answering before an authenticator is verified does not sign in
      expectCognitoError(await respondSetup(s1), 'NotAuthorizedException', 'Invalid session for the user.');
      expectCognitoError(await call(idp, 'AssociateSoftwareToken', {}), 'InvalidParameterException');
      expectCognitoError(
        await call(idp, 'AssociateSoftwareToken', { Session: s1, AccessToken: 'a.b.c' }),
        'InvalidParameterException',
        'Exactly one of AccessToken or Session is required.',
      );

      const associated = await call(idp, 'AssociateSoftwareToken', { Session: s1 });
      expect(associated.json).toEqual({ SecretCode: aString, Session: aString });
      const secret = String(associated.json.SecretCode);
      secrets.add(secret);
      const s2 = String(associated.json.Session);
      expect(s2).not.toBe(s1);
      expectCognitoError(await call(idp, 'AssociateSoftwareToken', { Session: s1 }), 'NotAuthorizedException', /can only be used once/);

      expectCognitoError(
        await call(idp, 'VerifySoftwareToken', { Session: s2, UserCode: wrongCodeAt(secret, clock) }),
        'EnableSoftwareTokenMFAException',
      );
      const verified = await call(idp, 'VerifySoftwareToken', { Session: s2, UserCode: codeAt(secret, clock) });
      expect(verified.json).toEqual({ Status: 'SUCCESS', Session: aString });
      const s3 = String(verified.json.Session);
      expectCognitoError(await respondSetup(s2), 'NotAuthorizedException');

      const done = tokensOf(await respondSetup(s3));
      expect(payloadOf(done.AccessToken)).toMatchObject({ username: 'mona' });
      expect((await call(idp, 'GetUser', { AccessToken: done.AccessToken })).json).toMatchObject({
        PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
        UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
      });

      const next = await passwordAuth('mona', 'Mona-pass-1');
      expect(next.json.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
      clock.advance(30_000);
      tokensOf(await answerTotp(String(next.json.Session), 'mona', codeAt(secret, clock)));
    });

    it('chains a new temporary password into MFA_SETUP when MFA is required', async () => {
      await idp.directory.setMfaMode('required');
      await idp.directory.invite({ username: 'nils', email: 'nils@example.com', groups: [], temporaryPassword: 'Nils-temp-1' });
      secrets.add('Nils-temp-1').add('Nils-pass-1');
      const first = await passwordAuth('nils', 'Nils-temp-1');
      expect(first.json.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
      const second = await call(idp, 'RespondToAuthChallenge', {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        ClientId: CLIENT_ID,
        Session: first.json.Session,
        ChallengeResponses: { USERNAME: 'nils', NEW_PASSWORD: 'Nils-pass-1' },
      });
      expect(second.json).toMatchObject({ ChallengeName: 'MFA_SETUP', Session: aString });
      // back to optional: the same user signs in without a second factor
      await idp.directory.setMfaMode('optional');
      await signIn('nils', 'Nils-pass-1');
    });
  });

  describe('ChangePassword', () => {
    it('checks the old password and the policy, then ends every session', async () => {
      await addUser({ username: 'carl', email: 'carl@example.com', password: 'Carl-pass-1' });
      secrets.add('Carl-pass-2');
      const t = await signIn('carl', 'Carl-pass-1');
      const change = (previous: string, proposed: string) =>
        call(idp, 'ChangePassword', { AccessToken: t.AccessToken, PreviousPassword: previous, ProposedPassword: proposed });

      expectCognitoError(await change('Carl-wrong-1', 'Carl-pass-2'), 'NotAuthorizedException', 'Incorrect username or password.');
      const weak = await change('Carl-pass-1', 'carlpass');
      expectCognitoError(weak, 'InvalidPasswordException', /^Password does not conform to policy: /);
      expect(weak.json.message).not.toContain('carlpass');

      const ok = await change('Carl-pass-1', 'Carl-pass-2');
      expect(ok.status).toBe(200);
      expect(ok.json).toEqual({});
      expectCognitoError(await refreshAuth(t.RefreshToken ?? ''), 'NotAuthorizedException', 'Refresh Token has been revoked');
      expectCognitoError(await call(idp, 'GetUser', { AccessToken: t.AccessToken }), 'NotAuthorizedException', 'Access Token has been revoked');
      expectCognitoError(await passwordAuth('carl', 'Carl-pass-1'), 'NotAuthorizedException', 'Incorrect username or password.');
      const fresh = await signIn('carl', 'Carl-pass-2');
      expect((await call(idp, 'GetUser', { AccessToken: fresh.AccessToken })).json.Username).toBe('carl');
    });

    it('locks after repeated wrong old passwords', async () => {
      await addUser({ username: 'cleo', email: 'cleo@example.com', password: 'Cleo-pass-1' });
      const t = await signIn('cleo', 'Cleo-pass-1');
      const change = (previous: string) =>
        call(idp, 'ChangePassword', { AccessToken: t.AccessToken, PreviousPassword: previous, ProposedPassword: 'Cleo-pass-2' });
      for (let i = 0; i < 5; i++) expectCognitoError(await change('Cleo-wrong-1'), 'NotAuthorizedException');
      expectCognitoError(await change('Cleo-pass-1'), 'LimitExceededException', 'Attempt limit exceeded, please try after some time.');
      expectCognitoError(await passwordAuth('cleo', 'Cleo-pass-1'), 'NotAuthorizedException', 'Password attempts exceeded');
    });
  });

  it('is driven by the real Cognito SDK client for TOTP enrolment and sign-in', async () => {
    await addUser({ username: 'sara', email: 'sara@example.com', password: 'Sara-pass-1' });
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const target = req.headers['x-amz-target'];
        void idp.handle(typeof target === 'string' ? target : undefined, Buffer.concat(chunks).toString('utf8')).then((out) => {
          res.writeHead(out.status, out.headers);
          res.end(out.body);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = new CognitoIdentityProviderClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      const first = await client.send(
        new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: 'sara', PASSWORD: 'Sara-pass-1' } }),
      );
      const AccessToken = first.AuthenticationResult?.AccessToken ?? '';
      const associated = await client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
      const secret = associated.SecretCode ?? '';
      secrets.add(secret);
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(associated.Session).toBeUndefined();

      const mismatch = client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: wrongCodeAt(secret, clock) }));
      await expect(mismatch).rejects.toBeInstanceOf(EnableSoftwareTokenMFAException);
      const enrolCode = codeAt(secret, clock);
      const verified = await client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: enrolCode, FriendlyDeviceName: 'laptop' }));
      expect(verified.Status).toBe('SUCCESS');
      await client.send(new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
      const me = await client.send(new GetUserCommand({ AccessToken }));
      expect(me.Username).toBe('sara');
      expect(me.UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);
      expect(me.UserAttributes?.find((a) => a.Name === 'email')?.Value).toBe('sara@example.com');

      const challenge = await client.send(
        new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: 'sara', PASSWORD: 'Sara-pass-1' } }),
      );
      expect(challenge.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
      expect(challenge.ChallengeParameters).toEqual({ FRIENDLY_DEVICE_NAME: 'laptop', USER_ID_FOR_SRP: 'sara' });
      const respond = (code: string) =>
        client.send(
          new RespondToAuthChallengeCommand({
            ChallengeName: 'SOFTWARE_TOKEN_MFA',
            ClientId: CLIENT_ID,
            ...(challenge.Session === undefined ? {} : { Session: challenge.Session }),
            ChallengeResponses: { USERNAME: 'sara', SOFTWARE_TOKEN_MFA_CODE: code },
          }),
        );
      await expect(respond(enrolCode)).rejects.toBeInstanceOf(ExpiredCodeException);
      await expect(respond(wrongCodeAt(secret, clock))).rejects.toBeInstanceOf(CodeMismatchException);
      clock.advance(30_000);
      const done = await respond(codeAt(secret, clock));
      expect(done.AuthenticationResult?.RefreshToken).toEqual(aString);
      await expect(respond(codeAt(secret, clock))).rejects.toBeInstanceOf(NotAuthorizedException);
    } finally {
      client.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    }
  });

  it('keeps the secrets key owner-only and no password or TOTP secret in the table in plaintext', async () => {
    expect(statSync(path.join(dataDir, 'identity', 'secrets.key')).mode & 0o777).toBe(0o600);
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.doc.send(
        new ScanCommand({ TableName: dynamo.tableName, ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }) }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    const dump = JSON.stringify(items);
    expect(secrets.size).toBeGreaterThan(10);
    for (const s of secrets) expect(dump).not.toContain(s);
    expect(internalErrors).toEqual([]);
  });
});
