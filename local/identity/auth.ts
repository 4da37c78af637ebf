import { z } from 'zod';
import type { Clock } from '../../core/clock';
import { PASSWORD_ATTEMPTS_EXCEEDED, type Lockout } from './lockout';
import { spendTotpCode } from './mfa';
import type { PasswordHasher } from './passwords';
import { passwordPolicyViolations } from './passwords';
import { CognitoError, missingParameter, notAuthorized, parseRequest } from './protocol';
import type { SecretBox } from '../../adapters/local/crypto/secret-box';
import type { ChallengeSessions } from './sessions';
import type { IdpStore, IdpUser } from './store';
import {
  TOKEN_LIFETIME_SECONDS,
  issueJwts,
  newOpaqueSecret,
  newSignInContext,
  secretHash,
  type SignInContext,
  type TokenSettings,
} from './tokens';

/**
 * The sign-in operations, with Cognito's requests, answers and error messages. The pool behaves
 * as one with "prevent user existence errors" on: an unknown user and a wrong password get the
 * same answer after the same amount of work, and lock out the same way (lockout.ts).
 *
 * After the password: NEW_PASSWORD_REQUIRED for a temporary password, then SOFTWARE_TOKEN_MFA for
 * a user with TOTP enabled, or MFA_SETUP when the pool requires MFA and the user has none yet
 * (AssociateSoftwareToken and VerifySoftwareToken with the Session, then RespondToAuthChallenge).
 */
const REFRESH_TOKEN_DAYS = 30;
export const WRONG_CREDENTIALS = 'Incorrect username or password.';
const CODE_MISMATCH = 'Invalid code or auth state for the user.';
const CODE_REUSED = 'Your software token has already been used once.';

const authFlows = [
  'USER_SRP_AUTH',
  'REFRESH_TOKEN_AUTH',
  'REFRESH_TOKEN',
  'CUSTOM_AUTH',
  'ADMIN_NO_SRP_AUTH',
  'USER_PASSWORD_AUTH',
  'ADMIN_USER_PASSWORD_AUTH',
  'USER_AUTH',
] as const;

const challengeNames = [
  'SMS_MFA',
  'EMAIL_OTP',
  'SOFTWARE_TOKEN_MFA',
  'SELECT_MFA_TYPE',
  'MFA_SETUP',
  'PASSWORD_VERIFIER',
  'CUSTOM_CHALLENGE',
  'SELECT_CHALLENGE',
  'DEVICE_SRP_AUTH',
  'DEVICE_PASSWORD_VERIFIER',
  'ADMIN_NO_SRP_AUTH',
  'NEW_PASSWORD_REQUIRED',
  'SMS_OTP',
  'PASSWORD',
  'WEB_AUTHN',
  'PASSWORD_SRP',
] as const;

const stringMap = z.record(z.string(), z.string());
const clientId = z.string().min(1).max(128);

// Cognito also accepts ClientMetadata, AnalyticsMetadata and UserContextData; they steer triggers
// and threat protection, which the local pool does not have, so they are accepted and ignored.
const InitiateAuthRequest = z.object({
  AuthFlow: z.enum(authFlows),
  ClientId: clientId,
  AuthParameters: stringMap.optional(),
});

const RespondToAuthChallengeRequest = z.object({
  ChallengeName: z.enum(challengeNames),
  ClientId: clientId,
  Session: z.string().min(20).max(2048).optional(),
  ChallengeResponses: stringMap.optional(),
});

export interface AuthenticationResult {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
}

export type AuthAnswer =
  | { AuthenticationResult: AuthenticationResult; ChallengeParameters: Record<string, string> }
  | {
      ChallengeName: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';
      Session: string;
      ChallengeParameters: Record<string, string>;
    };

export interface AuthDeps {
  store: IdpStore;
  hasher: PasswordHasher;
  tokens: TokenSettings;
  clock: Clock;
  secrets: SecretBox;
  sessions: ChallengeSessions;
  lockout: Lockout;
}

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

export const createAuthOperations = (deps: AuthDeps) => {
  const { store, hasher, tokens, clock, sessions, lockout } = deps;

  const checkClient = (id: string): void => {
    if (id !== tokens.clientId) {
      throw new CognitoError('ResourceNotFoundException', `User pool client ${id} does not exist.`);
    }
  };

  /** Username, or email when it has an @ (usernames never do). */
  const findForSignIn = async (login: string): Promise<IdpUser | undefined> => {
    if (!login.includes('@')) return store.getUser(login);
    const found = await store.findUsersByEmail(login);
    return found.length === 1 ? found[0] : undefined;
  };

  const mintTokens = (user: IdpUser, ctx: SignInContext, now: Date) => {
    const { accessToken, idToken } = issueJwts(tokens, user, ctx, seconds(now));
    return { AccessToken: accessToken, IdToken: idToken, ExpiresIn: TOKEN_LIFETIME_SECONDS, TokenType: 'Bearer' as const };
  };

  /**
   * A fresh sign-in: tokens, a refresh token bound to the user's current token generation, and
   * the sign-in's record (by origin_jti) that access-token operations check revocation against.
   */
  const signIn = async (user: IdpUser): Promise<AuthAnswer> => {
    const now = clock.now();
    const ctx = newSignInContext(seconds(now));
    const refreshToken = newOpaqueSecret();
    const expiresAt = seconds(now) + REFRESH_TOKEN_DAYS * 24 * 3600;
    await store.putOrigin(ctx.originJti, {
      username: user.username,
      sub: user.sub,
      clientId: tokens.clientId,
      tokenGeneration: user.tokenGeneration,
      createdAt: now.toISOString(),
      expiresAt,
    });
    await store.putRefreshToken(secretHash(refreshToken), {
      username: user.username,
      sub: user.sub,
      clientId: tokens.clientId,
      tokenGeneration: user.tokenGeneration,
      ...ctx,
      createdAt: now.toISOString(),
      expiresAt,
    });
    return { AuthenticationResult: { ...mintTokens(user, ctx, now), RefreshToken: refreshToken }, ChallengeParameters: {} };
  };

  const newPasswordChallenge = async (user: IdpUser): Promise<AuthAnswer> => ({
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: await sessions.open(user, 'NEW_PASSWORD_REQUIRED'),
    ChallengeParameters: {
      USER_ID_FOR_SRP: user.username,
      requiredAttributes: '[]',
      // Cognito sends attribute values as strings, booleans included.
      userAttributes: JSON.stringify({ email_verified: String(user.emailVerified), email: user.email }),
    },
  });

  const totpChallenge = async (user: IdpUser): Promise<AuthAnswer> => {
    const device = user.totp?.friendlyDeviceName;
    return {
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: await sessions.open(user, 'SOFTWARE_TOKEN_MFA'),
      ChallengeParameters: { ...(device === undefined || device === '' ? {} : { FRIENDLY_DEVICE_NAME: device }), USER_ID_FOR_SRP: user.username },
    };
  };

  const mfaSetupChallenge = async (user: IdpUser): Promise<AuthAnswer> => ({
    ChallengeName: 'MFA_SETUP',
    Session: await sessions.open(user, 'MFA_SETUP', 'ASSOCIATE'),
    ChallengeParameters: { MFAS_CAN_SETUP: JSON.stringify(['SOFTWARE_TOKEN_MFA']), USER_ID_FOR_SRP: user.username },
  });

  /**
   * The password is settled (checked, or just set): ask for the second factor if there is one,
   * for setting one up if the pool requires it, else sign in. The failure count is reset here
   * unless a TOTP code is still to come (a right password alone must not reset the count of
   * wrong codes).
   */
  const afterPassword = async (user: IdpUser, resetFailures: boolean): Promise<AuthAnswer> => {
    if (user.totp?.enabled === true) return totpChallenge(user);
    if (resetFailures) await lockout.clear(lockout.keyForUser(user.username));
    if ((await store.getMfaMode()) === 'required') return mfaSetupChallenge(user);
    return signIn(user);
  };

  const passwordAuth = async (params: Record<string, string>): Promise<AuthAnswer> => {
    const login = params.USERNAME;
    const password = params.PASSWORD;
    if (login === undefined || login.trim() === '') throw missingParameter('USERNAME');
    if (password === undefined || password === '') throw missingParameter('PASSWORD');
    const user = await findForSignIn(login);
    const attemptsKey = user === undefined ? lockout.keyForLogin(login) : lockout.keyForUser(user.username);
    const attempts = await lockout.state(attemptsKey);
    if (attempts.locked) throw notAuthorized(PASSWORD_ATTEMPTS_EXCEEDED);
    if (user === undefined) {
      await hasher.verifyNobody(password);
      await lockout.fail(attemptsKey);
      throw notAuthorized(WRONG_CREDENTIALS);
    }
    if (!(await hasher.verify(password, user.passwordHash))) {
      await lockout.fail(attemptsKey);
      throw notAuthorized(WRONG_CREDENTIALS);
    }
    if (!user.enabled) throw notAuthorized('User is disabled.');
    if (user.status === 'FORCE_CHANGE_PASSWORD') {
      if (attempts.failures > 0) await lockout.clear(attemptsKey);
      return newPasswordChallenge(user);
    }
    return afterPassword(user, attempts.failures > 0);
  };

  const refreshAuth = async (params: Record<string, string>): Promise<AuthAnswer> => {
    const token = params.REFRESH_TOKEN;
    if (token === undefined || token === '') throw missingParameter('REFRESH_TOKEN');
    const now = clock.now();
    const record = await store.getRefreshToken(secretHash(token), seconds(now));
    if (record?.clientId !== tokens.clientId) throw notAuthorized('Invalid Refresh Token');
    const user = await store.getUser(record.username);
    // A deleted user's tokens die with them, also when someone else gets the name later.
    if (user === undefined || record.sub !== user.sub) throw notAuthorized('Invalid Refresh Token');
    if (!user.enabled) throw notAuthorized('User is disabled.');
    if (user.tokenGeneration !== record.tokenGeneration) throw notAuthorized('Refresh Token has been revoked');
    // Without refresh-token rotation Cognito answers with new access and ID tokens only.
    const ctx = { authTime: record.authTime, originJti: record.originJti, eventId: record.eventId };
    return { AuthenticationResult: mintTokens(user, ctx, now), ChallengeParameters: {} };
  };

  const initiateAuth = async (input: unknown): Promise<AuthAnswer> => {
    const req = parseRequest(InitiateAuthRequest, input);
    checkClient(req.ClientId);
    const params = req.AuthParameters ?? {};
    switch (req.AuthFlow) {
      case 'USER_PASSWORD_AUTH':
        return passwordAuth(params);
      case 'REFRESH_TOKEN_AUTH':
      case 'REFRESH_TOKEN':
        return refreshAuth(params);
      default:
        throw new CognitoError('InvalidParameterException', `${req.AuthFlow} flow not enabled for this client`);
    }
  };

  const requiredResponse = (responses: Record<string, string>, name: string): string => {
    const value = responses[name];
    // Blank names are missing; a password or code is taken as typed.
    if (value === undefined || (name === 'USERNAME' ? value.trim() : value) === '') throw missingParameter(name);
    return value;
  };

  const answerNewPassword = async (sessionToken: string, responses: Record<string, string>): Promise<AuthAnswer> => {
    const login = requiredResponse(responses, 'USERNAME');
    const newPassword = requiredResponse(responses, 'NEW_PASSWORD');
    const { hash, user } = await sessions.load(sessionToken, 'NEW_PASSWORD_REQUIRED', { login });

    // Checked before the session is spent, so the person can try a better password with it.
    const violations = passwordPolicyViolations(newPassword);
    if (violations.length > 0) {
      throw new CognitoError('InvalidPasswordException', `Password does not conform to policy: ${violations.join('; ')}`);
    }
    const passwordHash = await hasher.hash(newPassword);
    await sessions.consume(hash);
    const updated = await store.setPassword(user.username, user.version, passwordHash, clock.now());
    if (updated === undefined) throw notAuthorized('Invalid session for the user.');
    return afterPassword(updated, false);
  };

  const answerSoftwareToken = async (sessionToken: string, responses: Record<string, string>): Promise<AuthAnswer> => {
    const login = requiredResponse(responses, 'USERNAME');
    const code = requiredResponse(responses, 'SOFTWARE_TOKEN_MFA_CODE');
    const { hash, user } = await sessions.load(sessionToken, 'SOFTWARE_TOKEN_MFA', { login });
    const key = lockout.keyForUser(user.username);
    if ((await lockout.state(key)).locked) throw notAuthorized(PASSWORD_ATTEMPTS_EXCEEDED);
    if (user.totp === undefined) {
      throw new CognitoError('SoftwareTokenMFANotFoundException', 'Software Token MFA does not exist for the user.');
    }
    // A wrong code leaves the session usable (as Cognito does) but counts toward the lockout.
    const check = await spendTotpCode(deps, user, user.totp, code);
    if (check === 'mismatch') {
      await lockout.fail(key);
      throw new CognitoError('CodeMismatchException', CODE_MISMATCH);
    }
    if (check === 'reused') throw new CognitoError('ExpiredCodeException', CODE_REUSED);
    await sessions.consume(hash);
    await lockout.clear(key);
    return signIn(user);
  };

  /** The last step of MFA_SETUP: the Session VerifySoftwareToken answered, which proves the new authenticator. */
  const answerMfaSetup = async (sessionToken: string, responses: Record<string, string>): Promise<AuthAnswer> => {
    const login = requiredResponse(responses, 'USERNAME');
    const { hash, user } = await sessions.load(sessionToken, 'MFA_SETUP', { login, steps: ['RESPOND'] });
    if (user.totp === undefined) {
      throw new CognitoError('SoftwareTokenMFANotFoundException', 'Software Token MFA does not exist for the user.');
    }
    await sessions.consume(hash);
    const updated = await store.setTotpPreference(user.username, user.totp.secret, true, true, clock.now());
    if (updated === undefined) throw notAuthorized('Invalid session for the user.');
    return signIn(updated);
  };

  const respondToAuthChallenge = async (input: unknown): Promise<AuthAnswer> => {
    const req = parseRequest(RespondToAuthChallengeRequest, input);
    checkClient(req.ClientId);
    const responses = req.ChallengeResponses ?? {};
    switch (req.ChallengeName) {
      case 'NEW_PASSWORD_REQUIRED':
        if (req.Session === undefined) throw missingParameter('Session');
        return answerNewPassword(req.Session, responses);
      case 'SOFTWARE_TOKEN_MFA':
        if (req.Session === undefined) throw missingParameter('Session');
        return answerSoftwareToken(req.Session, responses);
      case 'MFA_SETUP':
        if (req.Session === undefined) throw missingParameter('Session');
        return answerMfaSetup(req.Session, responses);
      default:
        throw new CognitoError('InvalidParameterException', `Unsupported challenge ${req.ChallengeName}`);
    }
  };

  /** Tokens for a user without a password, for tests and tooling; lifetime may be negative (already expired). */
  const issueTokensFor = async (
    username: string,
    lifetimeSeconds = TOKEN_LIFETIME_SECONDS,
  ): Promise<{ accessToken: string; idToken: string }> => {
    const user = await store.getUser(username);
    if (user === undefined) throw new Error(`No user named '${username}' in the local identity provider.`);
    const now = seconds(clock.now());
    const ctx = newSignInContext(now);
    if (lifetimeSeconds > 0) {
      // Recorded like a sign-in, so the access token also works with the access-token operations.
      await store.putOrigin(ctx.originJti, {
        username: user.username,
        sub: user.sub,
        clientId: tokens.clientId,
        tokenGeneration: user.tokenGeneration,
        createdAt: clock.now().toISOString(),
        expiresAt: now + lifetimeSeconds,
      });
    }
    return issueJwts(tokens, user, ctx, now, lifetimeSeconds);
  };

  return { initiateAuth, respondToAuthChallenge, issueTokensFor };
};
