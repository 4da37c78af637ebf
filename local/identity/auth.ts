import { z } from 'zod';
import type { Clock } from '../../core/clock';
import type { PasswordHasher } from './passwords';
import { passwordPolicyViolations } from './passwords';
import { CognitoError, missingParameter, notAuthorized, parseRequest } from './protocol';
import { normalizeEmail, normalizeUsername, type IdpStore, type IdpUser } from './store';
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
 * same answer after the same amount of work.
 */
const REFRESH_TOKEN_DAYS = 30;
const SESSION_SECONDS = 3 * 60;
const WRONG_CREDENTIALS = 'Incorrect username or password.';

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
  | { ChallengeName: 'NEW_PASSWORD_REQUIRED'; Session: string; ChallengeParameters: Record<string, string> };

export interface AuthDeps {
  store: IdpStore;
  hasher: PasswordHasher;
  tokens: TokenSettings;
  clock: Clock;
}

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

export const createAuthOperations = (deps: AuthDeps) => {
  const { store, hasher, tokens, clock } = deps;

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

  /** A fresh sign-in: tokens plus a refresh token bound to the user's current token generation. */
  const signIn = async (user: IdpUser): Promise<AuthAnswer> => {
    const now = clock.now();
    const ctx = newSignInContext(seconds(now));
    const refreshToken = newOpaqueSecret();
    await store.putRefreshToken(secretHash(refreshToken), {
      username: user.username,
      clientId: tokens.clientId,
      tokenGeneration: user.tokenGeneration,
      ...ctx,
      createdAt: now.toISOString(),
      expiresAt: seconds(now) + REFRESH_TOKEN_DAYS * 24 * 3600,
    });
    return { AuthenticationResult: { ...mintTokens(user, ctx, now), RefreshToken: refreshToken }, ChallengeParameters: {} };
  };

  const newPasswordChallenge = async (user: IdpUser): Promise<AuthAnswer> => {
    const now = clock.now();
    const session = newOpaqueSecret();
    await store.putSession(secretHash(session), {
      username: user.username,
      clientId: tokens.clientId,
      challengeName: 'NEW_PASSWORD_REQUIRED',
      createdAt: now.toISOString(),
      expiresAt: seconds(now) + SESSION_SECONDS,
    });
    return {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: session,
      ChallengeParameters: {
        USER_ID_FOR_SRP: user.username,
        requiredAttributes: '[]',
        // Cognito sends attribute values as strings, booleans included.
        userAttributes: JSON.stringify({ email_verified: String(user.emailVerified), email: user.email }),
      },
    };
  };

  const passwordAuth = async (params: Record<string, string>): Promise<AuthAnswer> => {
    const login = params.USERNAME;
    const password = params.PASSWORD;
    if (login === undefined || login.trim() === '') throw missingParameter('USERNAME');
    if (password === undefined || password === '') throw missingParameter('PASSWORD');
    const user = await findForSignIn(login);
    if (user === undefined) {
      await hasher.verifyNobody(password);
      throw notAuthorized(WRONG_CREDENTIALS);
    }
    if (!(await hasher.verify(password, user.passwordHash))) throw notAuthorized(WRONG_CREDENTIALS);
    if (!user.enabled) throw notAuthorized('User is disabled.');
    return user.status === 'FORCE_CHANGE_PASSWORD' ? newPasswordChallenge(user) : signIn(user);
  };

  const refreshAuth = async (params: Record<string, string>): Promise<AuthAnswer> => {
    const token = params.REFRESH_TOKEN;
    if (token === undefined || token === '') throw missingParameter('REFRESH_TOKEN');
    const now = clock.now();
    const record = await store.getRefreshToken(secretHash(token), seconds(now));
    if (record?.clientId !== tokens.clientId) throw notAuthorized('Invalid Refresh Token');
    const user = await store.getUser(record.username);
    if (user === undefined) throw notAuthorized('Invalid Refresh Token');
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

  const answerNewPassword = async (sessionToken: string, responses: Record<string, string>): Promise<AuthAnswer> => {
    const login = responses.USERNAME;
    const newPassword = responses.NEW_PASSWORD;
    if (login === undefined || login.trim() === '') throw missingParameter('USERNAME');
    if (newPassword === undefined || newPassword === '') throw missingParameter('NEW_PASSWORD');

    const sessionHash = secretHash(sessionToken);
    const session = await store.getSession(sessionHash);
    if (session === undefined) throw notAuthorized('Invalid session for the user.');
    // Expiry is enforced here, on read: dynalite has no TTL and DynamoDB's deletes late.
    if (session.expiresAt <= seconds(clock.now())) {
      throw notAuthorized('Invalid session for the user, session is expired.');
    }
    if (session.usedAt !== undefined) throw notAuthorized('Invalid session for the user, session can only be used once.');
    const user = await store.getUser(session.username);
    const sameUser =
      user !== undefined &&
      session.clientId === tokens.clientId &&
      (normalizeUsername(login) === user.username || normalizeEmail(login) === normalizeEmail(user.email));
    if (!sameUser) throw notAuthorized('Invalid session for the user.');
    if (!user.enabled) throw notAuthorized('User is disabled.');

    // Checked before the session is spent, so the person can try a better password with it.
    const violations = passwordPolicyViolations(newPassword);
    if (violations.length > 0) {
      throw new CognitoError('InvalidPasswordException', `Password does not conform to policy: ${violations.join('; ')}`);
    }
    const passwordHash = await hasher.hash(newPassword);
    if (!(await store.consumeSession(sessionHash, clock.now()))) {
      throw notAuthorized('Invalid session for the user, session can only be used once.');
    }
    const updated = await store.setPassword(user.username, user.version, passwordHash, clock.now());
    if (updated === undefined) throw notAuthorized('Invalid session for the user.');
    return signIn(updated);
  };

  const respondToAuthChallenge = async (input: unknown): Promise<AuthAnswer> => {
    const req = parseRequest(RespondToAuthChallengeRequest, input);
    checkClient(req.ClientId);
    if (req.ChallengeName !== 'NEW_PASSWORD_REQUIRED') {
      throw new CognitoError('InvalidParameterException', `Unsupported challenge ${req.ChallengeName}`);
    }
    if (req.Session === undefined) throw missingParameter('Session');
    return answerNewPassword(req.Session, req.ChallengeResponses ?? {});
  };

  /** Tokens for a user without a password, for tests and tooling; lifetime may be negative (already expired). */
  const issueTokensFor = async (
    username: string,
    lifetimeSeconds = TOKEN_LIFETIME_SECONDS,
  ): Promise<{ accessToken: string; idToken: string }> => {
    const user = await store.getUser(username);
    if (user === undefined) throw new Error(`No user named '${username}' in the local identity provider.`);
    const now = seconds(clock.now());
    return issueJwts(tokens, user, newSignInContext(now), now, lifetimeSeconds);
  };

  return { initiateAuth, respondToAuthChallenge, issueTokensFor };
};
