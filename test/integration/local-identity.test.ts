import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { JwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import { assertIsJwks } from 'aws-jwt-verify/jwk';
import type { Json } from 'aws-jwt-verify/safe-json-parse';
import type { Clock } from '../../core/clock';
import {
  createIdpStore,
  createLocalIdentityProvider,
  createPasswordHasher,
  createUser,
  defaultScryptCost,
  passwordPolicyViolations,
  type IdentityProviderOptions,
  type LocalIdentityProvider,
  type NewUser,
} from '../../local/identity';
import type { LocalDynamo } from '../../local/dynamo';
import { startTestDynamo } from '../support/dynalite';

const ISSUER = 'http://127.0.0.1:3000/local-idp';
const CLIENT_ID = 'opsc-console';
const TARGET = 'AWSCognitoIdentityProviderService.';
// jest's asymmetric matchers are typed `any`; held as unknown so the lint rules stay on.
const aString: unknown = expect.any(String);

/** Cheap hashing keeps the suite quick; one test checks the default is the strong one. */
const FAST = { N: 2 ** 10, r: 8, p: 1 };

/** Real time plus an offset the tests can move, so tokens stay verifiable by aws-jwt-verify. */
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

const call = async (idp: LocalIdentityProvider, action: string, body: unknown): Promise<Answer> => {
  const res = await idp.handle(TARGET + action, JSON.stringify(body));
  return { status: res.status, headers: res.headers, json: JSON.parse(res.body) as Record<string, unknown> };
};

const passwordAuth = (idp: LocalIdentityProvider, username: string, password: string) =>
  call(idp, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: CLIENT_ID,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });

const refreshAuth = (idp: LocalIdentityProvider, refreshToken: string) =>
  call(idp, 'InitiateAuth', {
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: CLIENT_ID,
    AuthParameters: { REFRESH_TOKEN: refreshToken },
  });

const newPassword = (idp: LocalIdentityProvider, session: string, username: string, password: string) =>
  call(idp, 'RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    ClientId: CLIENT_ID,
    Session: session,
    ChallengeResponses: { USERNAME: username, NEW_PASSWORD: password },
  });

interface Tokens {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: string;
}

const tokensOf = (a: Answer): Tokens => {
  expect(a.status).toBe(200);
  return a.json.AuthenticationResult as Tokens;
};

const payloadOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

const headerOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

const expectCognitoError = (a: Answer, type: string, message?: string | RegExp) => {
  expect(a.status).toBe(400);
  expect(a.headers['x-amzn-ErrorType']).toBe(type);
  expect(a.headers['Content-Type']).toBe('application/x-amz-json-1.1');
  expect(a.json.__type).toBe(type);
  if (message !== undefined) expect(a.json.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
};

const verifiers = (idp: LocalIdentityProvider) => {
  // Through JSON, as a verifier would receive it from the jwks.json endpoint.
  const jwks = JSON.parse(JSON.stringify(idp.jwks())) as Json;
  assertIsJwks(jwks);
  // JwtVerifier is what aws-jwt-verify 5 exports JwtRsaVerifier as (the old name is a deprecated alias).
  const id = JwtVerifier.create({ issuer: ISSUER, audience: CLIENT_ID });
  id.cacheJwks(jwks);
  // Cognito access tokens carry client_id instead of aud.
  const access = JwtVerifier.create({
    issuer: ISSUER,
    audience: null,
    scope: 'aws.cognito.signin.user.admin',
    customJwtCheck: ({ payload }) => {
      if (payload.client_id !== CLIENT_ID) throw new Error('wrong client_id');
    },
  });
  access.cacheJwks(jwks);
  return { id, access };
};

describe('local identity provider', () => {
  let dynamo: LocalDynamo;
  let dataDir: string;
  let idp: LocalIdentityProvider;
  const clock = movableClock();
  const internalErrors: unknown[] = [];

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

  const addUser = async (input: NewUser) => {
    const store = createIdpStore(dynamo.doc, dynamo.tableName);
    const result = await createUser({ store, hasher: createPasswordHasher(FAST), clock }, input);
    if (!result.created) throw new Error(`user not created: ${result.conflict}`);
    return result;
  };

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    dataDir = mkdtempSync(path.join(tmpdir(), 'opsc-idp-'));
    idp = await createLocalIdentityProvider(options());
    await addUser({ username: 'alice', email: 'Alice@Example.com', password: 'Alice-pass-1', emailVerified: true });
    await addUser({ username: 'olga', email: 'olga@example.com', password: 'Olga-pass-1', groups: ['admins', 'ops'] });
  });

  afterAll(async () => {
    await dynamo.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(() => {
    clock.reset();
  });

  describe('password sign-in', () => {
    it('answers tokens in Cognito’s shape for the right password', async () => {
      const res = await passwordAuth(idp, 'alice', 'Alice-pass-1');
      expect(res.headers['Content-Type']).toBe('application/x-amz-json-1.1');
      expect(res.headers['x-amzn-RequestId']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.json.ChallengeParameters).toEqual({});
      const t = tokensOf(res);
      expect(t).toEqual({
        AccessToken: aString,
        IdToken: aString,
        RefreshToken: aString,
        ExpiresIn: 3600,
        TokenType: 'Bearer',
      });
      // opaque, at least 256 bits of base64url
      expect(t.RefreshToken).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    });

    it('signs in by username or by email, both case-insensitively', async () => {
      for (const login of ['alice', 'ALICE', 'alice@example.com', 'ALICE@EXAMPLE.COM', 'Alice@Example.com']) {
        const t = tokensOf(await passwordAuth(idp, login, 'Alice-pass-1'));
        expect(payloadOf(t.AccessToken).username).toBe('alice');
      }
    });

    it('gives a wrong password and an unknown user the same answer', async () => {
      const wrong = await passwordAuth(idp, 'alice', 'Alice-pass-2');
      const unknownName = await passwordAuth(idp, 'mallory', 'Alice-pass-1');
      const unknownEmail = await passwordAuth(idp, 'mallory@example.com', 'Alice-pass-1');
      for (const a of [wrong, unknownName, unknownEmail]) {
        expectCognitoError(a, 'NotAuthorizedException', 'Incorrect username or password.');
      }
      expect(unknownName.json).toEqual(wrong.json);
      expect(unknownEmail.json).toEqual(wrong.json);
    });

    it('spends a hash’s worth of time on an unknown user too', async () => {
      const cost = { N: 2 ** 14, r: 8, p: 1 };
      const slow = await createLocalIdentityProvider(options({ scryptCost: cost }));
      const store = createIdpStore(dynamo.doc, dynamo.tableName);
      await createUser({ store, hasher: createPasswordHasher(cost), clock }, { username: 'tim', email: 'tim@example.com', password: 'Tim-pass-1' });
      const time = async (login: string): Promise<number> => {
        const t0 = performance.now();
        expectCognitoError(await passwordAuth(slow, login, 'Wrong-pass-1'), 'NotAuthorizedException', 'Incorrect username or password.');
        return performance.now() - t0;
      };
      await time('nobody'); // the first unknown user also pays for making the decoy hash
      const median = (xs: number[]): number => xs.sort((a, b) => a - b)[1] ?? 0;
      const known = median([await time('tim'), await time('tim'), await time('tim')]);
      const unknown = median([await time('nobody'), await time('nobody@example.com'), await time('nobody')]);
      // without the decoy an unknown user answers in a couple of milliseconds, a known one in tens
      expect(unknown).toBeGreaterThan(known * 0.5);
    });

    it('refuses a disabled user only once the password is right', async () => {
      await addUser({ username: 'dora', email: 'dora@example.com', password: 'Dora-pass-1' });
      await dynamo.doc.send(
        new UpdateCommand({
          TableName: dynamo.tableName,
          Key: { PK: 'IDP#USER#dora', SK: 'PROFILE' },
          UpdateExpression: 'SET enabled = :f',
          ExpressionAttributeValues: { ':f': false },
        }),
      );
      expectCognitoError(await passwordAuth(idp, 'dora', 'Dora-pass-2'), 'NotAuthorizedException', 'Incorrect username or password.');
      expectCognitoError(await passwordAuth(idp, 'dora', 'Dora-pass-1'), 'NotAuthorizedException', 'User is disabled.');
    });

    it('stores passwords as self-describing scrypt hashes, strong by default', async () => {
      const item = await dynamo.doc.send(
        new GetCommand({ TableName: dynamo.tableName, Key: { PK: 'IDP#USER#alice', SK: 'PROFILE' } }),
      );
      expect(item.Item?.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
      expect(JSON.stringify(item.Item)).not.toContain('Alice-pass-1');
      expect(item.Item).toMatchObject({ GSI1PK: 'IDP#EMAIL#alice@example.com', status: 'CONFIRMED', enabled: true });

      expect(defaultScryptCost).toEqual({ N: 32768, r: 8, p: 1 });
      const strong = createPasswordHasher();
      const hash = await strong.hash('Strong-pass-1');
      expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      await expect(strong.verify('Strong-pass-1', hash)).resolves.toBe(true);
      await expect(strong.verify('Strong-pass-2', hash)).resolves.toBe(false);
      // a hash made at another cost still verifies: the parameters travel with it
      await expect(strong.verify('Alice-pass-1', String(item.Item?.passwordHash))).resolves.toBe(true);
    });
  });

  describe('tokens', () => {
    it('verify with aws-jwt-verify given the issuer and the JWKS', async () => {
      const t = tokensOf(await passwordAuth(idp, 'olga', 'Olga-pass-1'));
      const v = verifiers(idp);
      await expect(v.id.verify(t.IdToken)).resolves.toMatchObject({ token_use: 'id' });
      await expect(v.access.verify(t.AccessToken)).resolves.toMatchObject({ token_use: 'access' });
      expect(headerOf(t.AccessToken)).toEqual({ kid: idp.jwks().keys[0]?.kid, alg: 'RS256' });
      expect(headerOf(t.IdToken)).toEqual({ kid: idp.jwks().keys[0]?.kid, alg: 'RS256' });
    });

    it('carry exactly Cognito’s claims', async () => {
      const before = Math.floor(Date.now() / 1000);
      const t = tokensOf(await passwordAuth(idp, 'olga', 'Olga-pass-1'));
      const access = payloadOf(t.AccessToken);
      const id = payloadOf(t.IdToken);
      expect(Object.keys(access).sort()).toEqual(
        ['sub', 'cognito:groups', 'iss', 'client_id', 'origin_jti', 'event_id', 'token_use', 'scope', 'auth_time', 'exp', 'iat', 'jti', 'username'].sort(),
      );
      expect(Object.keys(id).sort()).toEqual(
        ['sub', 'cognito:groups', 'email_verified', 'iss', 'cognito:username', 'origin_jti', 'aud', 'event_id', 'token_use', 'auth_time', 'exp', 'iat', 'jti', 'email'].sort(),
      );
      const uuid: unknown = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(access).toMatchObject({
        sub: uuid,
        'cognito:groups': ['admins', 'ops'],
        iss: ISSUER,
        client_id: CLIENT_ID,
        token_use: 'access',
        scope: 'aws.cognito.signin.user.admin',
        username: 'olga',
      });
      expect(id).toMatchObject({
        sub: access.sub,
        'cognito:groups': ['admins', 'ops'],
        email_verified: false,
        iss: ISSUER,
        'cognito:username': 'olga',
        aud: CLIENT_ID,
        token_use: 'id',
        email: 'olga@example.com',
        origin_jti: access.origin_jti,
        event_id: access.event_id,
      });
      const iat = access.iat as number;
      expect(iat).toBeGreaterThanOrEqual(before);
      expect(access.exp).toBe(iat + 3600);
      expect(access.auth_time).toBe(iat);
      expect(access.jti).not.toBe(id.jti);
    });

    it('leave cognito:groups out for a user in no group', async () => {
      const t = tokensOf(await passwordAuth(idp, 'alice', 'Alice-pass-1'));
      expect(payloadOf(t.AccessToken)).not.toHaveProperty('cognito:groups');
      expect(payloadOf(t.IdToken)).not.toHaveProperty('cognito:groups');
      expect(payloadOf(t.IdToken)).toMatchObject({ email: 'Alice@Example.com', email_verified: true });
    });

    it('can be minted for tooling, including already expired ones', async () => {
      const v = verifiers(idp);
      const fresh = await idp.issueTokens('olga');
      await expect(v.access.verify(fresh.accessToken)).resolves.toMatchObject({ username: 'olga' });
      const expired = await idp.issueTokens('olga', { expiresInSeconds: -60 });
      await expect(v.access.verify(expired.accessToken)).rejects.toBeInstanceOf(JwtExpiredError);
      await expect(v.id.verify(expired.idToken)).rejects.toBeInstanceOf(JwtExpiredError);
      await expect(idp.issueTokens('nobody')).rejects.toThrow("No user named 'nobody'");
    });

    it('are refused by a verifier expecting another issuer', async () => {
      const t = await idp.issueTokens('olga');
      const jwks = JSON.parse(JSON.stringify(idp.jwks())) as Json;
      assertIsJwks(jwks);
      const other = JwtVerifier.create({ issuer: 'http://127.0.0.1:9999/local-idp', audience: CLIENT_ID });
      other.cacheJwks(jwks);
      await expect(other.verify(t.idToken)).rejects.toThrow(/issuer/i);
    });
  });

  describe('NEW_PASSWORD_REQUIRED', () => {
    it('asks for a new password, rejects weak ones, then signs in and spends the session', async () => {
      const { generatedPassword } = await addUser({ username: 'nina', email: 'nina@example.com' });
      if (generatedPassword === undefined) throw new Error('expected a generated password');
      expect(passwordPolicyViolations(generatedPassword)).toEqual([]);

      const challenge = await passwordAuth(idp, 'nina@example.com', generatedPassword);
      expect(challenge.status).toBe(200);
      expect(challenge.json).toEqual({
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: aString,
        ChallengeParameters: {
          USER_ID_FOR_SRP: 'nina',
          requiredAttributes: '[]',
          userAttributes: JSON.stringify({ email_verified: 'false', email: 'nina@example.com' }),
        },
      });
      expect(challenge.json).not.toHaveProperty('AuthenticationResult');
      const session = String(challenge.json.Session);

      const weak = await newPassword(idp, session, 'nina', 'password');
      expectCognitoError(weak, 'InvalidPasswordException', /^Password does not conform to policy: /);
      expect(weak.json.message).toContain('uppercase');
      expect(weak.json.message).toContain('numeric');
      expect(weak.json.message).toContain('symbol');
      expectCognitoError(await newPassword(idp, session, 'nina', 'Sh0rt!'), 'InvalidPasswordException', /not long enough/);

      // a failed attempt does not spend the session; another user's name does not fit it
      expectCognitoError(await newPassword(idp, session, 'alice', 'Nina-new-pass-1'), 'NotAuthorizedException', 'Invalid session for the user.');
      const done = await newPassword(idp, session, 'nina', 'Nina-new-pass-1');
      const t = tokensOf(done);
      expect(t.RefreshToken).toEqual(aString);
      expect(done.json.ChallengeParameters).toEqual({});
      await expect(verifiers(idp).access.verify(t.AccessToken)).resolves.toMatchObject({ username: 'nina' });

      expectCognitoError(
        await newPassword(idp, session, 'nina', 'Nina-new-pass-2'),
        'NotAuthorizedException',
        'Invalid session for the user, session can only be used once.',
      );
      expectCognitoError(await passwordAuth(idp, 'nina', generatedPassword), 'NotAuthorizedException', 'Incorrect username or password.');
      const again = await passwordAuth(idp, 'nina', 'Nina-new-pass-1');
      expect(again.json).not.toHaveProperty('ChallengeName');
      tokensOf(again);
    });

    it('lets a session expire after three minutes', async () => {
      await addUser({ username: 'tom', email: 'tom@example.com', password: 'Temp-pass-1', temporaryPassword: true });
      const challenge = await passwordAuth(idp, 'tom', 'Temp-pass-1');
      expect(challenge.json.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
      clock.advance(3 * 60 * 1000 + 1000);
      expectCognitoError(
        await newPassword(idp, String(challenge.json.Session), 'tom', 'Tom-new-pass-1'),
        'NotAuthorizedException',
        'Invalid session for the user, session is expired.',
      );
      expectCognitoError(
        await newPassword(idp, 'x'.repeat(43), 'tom', 'Tom-new-pass-1'),
        'NotAuthorizedException',
        'Invalid session for the user.',
      );
    });
  });

  describe('refresh tokens', () => {
    it('answer new access and ID tokens for the same sign-in, without a new refresh token', async () => {
      const first = tokensOf(await passwordAuth(idp, 'alice', 'Alice-pass-1'));
      clock.advance(10_000);
      const res = await refreshAuth(idp, first.RefreshToken ?? '');
      const next = tokensOf(res);
      expect(next).toEqual({ AccessToken: aString, IdToken: aString, ExpiresIn: 3600, TokenType: 'Bearer' });
      const a0 = payloadOf(first.AccessToken);
      const a1 = payloadOf(next.AccessToken);
      expect(a1.iat).toBeGreaterThan(a0.iat as number);
      expect(a1).toMatchObject({ auth_time: a0.auth_time, origin_jti: a0.origin_jti, event_id: a0.event_id, sub: a0.sub });
      expect(a1.jti).not.toBe(a0.jti);
      // and the alias Cognito accepts
      const alias = await call(idp, 'InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN',
        ClientId: CLIENT_ID,
        AuthParameters: { REFRESH_TOKEN: first.RefreshToken },
      });
      tokensOf(alias);
    });

    it('are stored only as a hash, with a 30-day expiry', async () => {
      const t = tokensOf(await passwordAuth(idp, 'alice', 'Alice-pass-1'));
      const raw = t.RefreshToken ?? '';
      const hash = createHash('sha256').update(raw).digest('hex');
      const item = await dynamo.doc.send(
        new GetCommand({ TableName: dynamo.tableName, Key: { PK: `IDP#REFRESH#${hash}`, SK: 'REFRESH' } }),
      );
      expect(item.Item).toBeDefined();
      expect(JSON.stringify(item.Item)).not.toContain(raw);
      const expiresAt = item.Item?.expiresAt as number;
      expect(expiresAt - Math.floor(Date.now() / 1000)).toBeGreaterThan(30 * 24 * 3600 - 60);
      expect(expiresAt - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(30 * 24 * 3600);

      clock.advance(31 * 24 * 3600 * 1000);
      expectCognitoError(await refreshAuth(idp, raw), 'NotAuthorizedException', 'Invalid Refresh Token');
    });

    it('refuse unknown tokens and tokens revoked by a password change', async () => {
      expectCognitoError(await refreshAuth(idp, 'not-a-token'), 'NotAuthorizedException', 'Invalid Refresh Token');

      await addUser({ username: 'rita', email: 'rita@example.com', password: 'Rita-temp-1', temporaryPassword: true });
      const challenge = await passwordAuth(idp, 'rita', 'Rita-temp-1');
      const first = tokensOf(await newPassword(idp, String(challenge.json.Session), 'rita', 'Rita-pass-1'));
      tokensOf(await refreshAuth(idp, first.RefreshToken ?? ''));

      // the password changes (as a reset would do it): every earlier refresh token stops working
      const store = createIdpStore(dynamo.doc, dynamo.tableName);
      const rita = await store.getUser('rita');
      if (rita === undefined) throw new Error('rita missing');
      const hash = await createPasswordHasher(FAST).hash('Rita-pass-2');
      expect(await store.setPassword('rita', rita.version, hash, new Date())).toMatchObject({ tokenGeneration: 2 });
      expectCognitoError(await refreshAuth(idp, first.RefreshToken ?? ''), 'NotAuthorizedException', 'Refresh Token has been revoked');
      // a stale version is refused rather than overwriting a concurrent change
      expect(await store.setPassword('rita', rita.version, hash, new Date())).toBeUndefined();

      const fresh = tokensOf(await passwordAuth(idp, 'rita', 'Rita-pass-2'));
      tokensOf(await refreshAuth(idp, fresh.RefreshToken ?? ''));
    });
  });

  describe('wire protocol', () => {
    it('answers unknown operations, bad JSON and bad parameters with Cognito’s exceptions', async () => {
      const unknown = await idp.handle(`${TARGET}SignUp`, '{}');
      expect(unknown.status).toBe(400);
      expect(JSON.parse(unknown.body)).toMatchObject({ __type: 'UnknownOperationException' });
      const noTarget = await idp.handle(undefined, '{}');
      expect(noTarget.headers['x-amzn-ErrorType']).toBe('UnknownOperationException');
      const proto = await idp.handle(`${TARGET}constructor`, '{}');
      expect(proto.headers['x-amzn-ErrorType']).toBe('UnknownOperationException');

      const bad = await idp.handle(`${TARGET}InitiateAuth`, '{"AuthFlow":');
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body)).toMatchObject({ __type: 'SerializationException' });
      const arr = await idp.handle(`${TARGET}InitiateAuth`, '[]');
      expect(JSON.parse(arr.body)).toMatchObject({ __type: 'SerializationException' });

      expectCognitoError(
        await call(idp, 'InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: {} }),
        'InvalidParameterException',
        "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null",
      );
      expectCognitoError(
        await call(idp, 'InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'someone-else', AuthParameters: {} }),
        'ResourceNotFoundException',
        'User pool client someone-else does not exist.',
      );
      expectCognitoError(
        await call(idp, 'InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: CLIENT_ID, AuthParameters: {} }),
        'InvalidParameterException',
        'USER_SRP_AUTH flow not enabled for this client',
      );
      expectCognitoError(
        await call(idp, 'InitiateAuth', { AuthFlow: 'MAGIC', ClientId: CLIENT_ID }),
        'InvalidParameterException',
        /authFlow/,
      );
      expectCognitoError(
        await call(idp, 'InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { PASSWORD: 'x' } }),
        'InvalidParameterException',
        'Missing required parameter USERNAME',
      );
      expectCognitoError(
        await call(idp, 'RespondToAuthChallenge', { ChallengeName: 'NEW_PASSWORD_REQUIRED', ClientId: CLIENT_ID }),
        'InvalidParameterException',
        'Missing required parameter Session',
      );
      // validation messages never echo a value (it may be a password)
      const leaky = await call(idp, 'InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: 'alice', PASSWORD: 12345678 },
      });
      expectCognitoError(leaky, 'InvalidParameterException');
      expect(leaky.json.message).not.toContain('12345678');
    });

    it('answers an unexpected failure as InternalErrorException without internals', async () => {
      const broken = await createLocalIdentityProvider(options({ tableName: 'no-such-table' }));
      const before = internalErrors.length;
      const res = await passwordAuth(broken, 'alice', 'Alice-pass-1');
      expect(res.status).toBe(500);
      expect(res.headers['x-amzn-ErrorType']).toBe('InternalErrorException');
      expect(res.json).toEqual({ __type: 'InternalErrorException', message: aString });
      expect(JSON.stringify(res.json)).not.toMatch(/no-such-table|at |stack/i);
      expect(internalErrors.length).toBe(before + 1);
    });

    it('is accepted by the real Cognito SDK client', async () => {
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
        const ok = await client.send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: CLIENT_ID,
            AuthParameters: { USERNAME: 'olga@example.com', PASSWORD: 'Olga-pass-1' },
          }),
        );
        expect(ok.AuthenticationResult).toMatchObject({ ExpiresIn: 3600, TokenType: 'Bearer' });
        expect(payloadOf(ok.AuthenticationResult?.AccessToken ?? '')).toMatchObject({ username: 'olga' });

        const failure = client.send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: CLIENT_ID,
            AuthParameters: { USERNAME: 'olga', PASSWORD: 'wrong-Pass-1' },
          }),
        );
        await expect(failure).rejects.toBeInstanceOf(NotAuthorizedException);
        await expect(failure).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });

        await addUser({ username: 'sam', email: 'sam@example.com', password: 'Sam-temp-1', temporaryPassword: true });
        const challenge = await client.send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: CLIENT_ID,
            AuthParameters: { USERNAME: 'sam', PASSWORD: 'Sam-temp-1' },
          }),
        );
        expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
        const done = await client.send(
          new RespondToAuthChallengeCommand({
            ChallengeName: 'NEW_PASSWORD_REQUIRED',
            ClientId: CLIENT_ID,
            ...(challenge.Session === undefined ? {} : { Session: challenge.Session }),
            ChallengeResponses: { USERNAME: challenge.ChallengeParameters?.USER_ID_FOR_SRP ?? '', NEW_PASSWORD: 'Sam-pass-1!' },
          }),
        );
        expect(done.AuthenticationResult?.RefreshToken).toEqual(aString);
        const refreshed = await client.send(
          new InitiateAuthCommand({
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            ClientId: CLIENT_ID,
            AuthParameters: { REFRESH_TOKEN: done.AuthenticationResult?.RefreshToken ?? '' },
          }),
        );
        expect(refreshed.AuthenticationResult?.IdToken).toEqual(aString);
        expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
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
  });

  describe('signing key', () => {
    it('is made once with owner-only permissions and reused on restart', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'opsc-idp-key-'));
      try {
        const first = await createLocalIdentityProvider(options({ dataDir: dir }));
        const file = path.join(dir, 'identity', 'signing-key.pem');
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect(statSync(path.join(dir, 'identity')).mode & 0o777).toBe(0o700);

        const [jwk] = first.jwks().keys;
        expect(Object.keys(jwk ?? {}).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
        expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
        // 2048-bit modulus, kid = RFC 7638 thumbprint of the public key
        expect(Buffer.from(String(jwk?.n), 'base64url').length).toBe(256);
        const thumb = createHash('sha256')
          .update(JSON.stringify({ e: jwk?.e, kty: 'RSA', n: jwk?.n }))
          .digest('base64url');
        expect(jwk?.kid).toBe(thumb);

        const token = (await first.issueTokens('alice')).idToken;
        const second = await createLocalIdentityProvider(options({ dataDir: dir }));
        expect(second.jwks()).toEqual(first.jwks());
        await expect(verifiers(second).id.verify(token)).resolves.toMatchObject({ 'cognito:username': 'alice' });

        // another data folder is another key
        expect(idp.jwks().keys[0]?.kid).not.toBe(jwk?.kid);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('ensureAdmin', () => {
  let dynamo: LocalDynamo;
  let dataDir: string;

  beforeEach(async () => {
    dynamo = await startTestDynamo();
    dataDir = mkdtempSync(path.join(tmpdir(), 'opsc-idp-admin-'));
  });

  afterEach(async () => {
    await dynamo.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const provider = () =>
    createLocalIdentityProvider({
      doc: dynamo.doc,
      tableName: dynamo.tableName,
      dataDir,
      issuer: ISSUER,
      clientId: CLIENT_ID,
      userPoolId: 'local_opsc',
      scryptCost: FAST,
    });

  it('without a password makes admin@localhost with a generated one that must be changed', async () => {
    const idp = await provider();
    const made = await idp.ensureAdmin({});
    expect(made).toEqual({ created: true, username: 'admin', generatedPassword: aString });
    const generated = made.generatedPassword ?? '';
    expect(generated.length).toBeGreaterThanOrEqual(16);
    expect(passwordPolicyViolations(generated)).toEqual([]);

    const challenge = await passwordAuth(idp, 'admin@localhost', generated);
    expect(challenge.json).toMatchObject({ ChallengeName: 'NEW_PASSWORD_REQUIRED', ChallengeParameters: { USER_ID_FOR_SRP: 'admin' } });
    const t = tokensOf(await newPassword(idp, String(challenge.json.Session), 'admin', 'Admin-pass-1'));
    expect(payloadOf(t.AccessToken)['cognito:groups']).toEqual(['admins']);

    await expect(idp.ensureAdmin({})).resolves.toEqual({ created: false, username: 'admin' });
    // a restart with an env password now changes nothing either
    await expect((await provider()).ensureAdmin({ password: 'Other-pass-1' })).resolves.toEqual({ created: false, username: 'admin' });
  });

  it('with an email and password makes a confirmed admin, once', async () => {
    const idp = await provider();
    await expect(idp.ensureAdmin({ email: 'ops@example.com', password: 'Given-pass-1' })).resolves.toEqual({
      created: true,
      username: 'admin',
    });
    const t = tokensOf(await passwordAuth(idp, 'OPS@example.com', 'Given-pass-1'));
    expect(payloadOf(t.IdToken)).toMatchObject({
      'cognito:username': 'admin',
      'cognito:groups': ['admins'],
      email: 'ops@example.com',
      email_verified: true,
    });
    await expect(idp.ensureAdmin({ email: 'ops@example.com', password: 'Given-pass-1' })).resolves.toEqual({
      created: false,
      username: 'admin',
    });
  });

  it('refuses a weak given password without repeating it', async () => {
    const idp = await provider();
    const attempt = idp.ensureAdmin({ password: 'weakpass' });
    await expect(attempt).rejects.toThrow(/password policy/);
    await expect(attempt).rejects.not.toThrow(/weakpass/);
  });

  it('picks another username when "admin" is taken by someone who is not an admin', async () => {
    const idp = await provider();
    const store = createIdpStore(dynamo.doc, dynamo.tableName);
    await createUser(
      { store, hasher: createPasswordHasher(FAST), clock: { now: () => new Date() } },
      { username: 'admin', email: 'someone@example.com', password: 'Someone-1!' },
    );
    const made = await idp.ensureAdmin({ password: 'Given-pass-1' });
    expect(made.created).toBe(true);
    expect(made.username).not.toBe('admin');
    tokensOf(await passwordAuth(idp, 'admin@localhost', 'Given-pass-1'));
    await expect(idp.ensureAdmin({})).resolves.toEqual({ created: false, username: made.username });
  });
});
