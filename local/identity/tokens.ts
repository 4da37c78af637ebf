import { createHash, randomBytes, randomUUID, sign } from 'node:crypto';
import type { SigningKey } from './signing-key';

/**
 * Access and ID tokens with Cognito's claim shapes, so the authorizer verifies a local token with
 * the same aws-jwt-verify code and reads the same claims as on AWS. Cognito signs the two kinds
 * with different keys; one key is enough here because verifiers select the key by kid.
 */
export const TOKEN_LIFETIME_SECONDS = 3600;

export interface TokenSubject {
  sub: string;
  username: string;
  email: string;
  emailVerified: boolean;
  groups: readonly string[];
}

/** What stays the same across refreshes of one sign-in: when it happened and its ids. */
export interface SignInContext {
  authTime: number;
  originJti: string;
  eventId: string;
}

export const newSignInContext = (nowSeconds: number): SignInContext => ({
  authTime: nowSeconds,
  originJti: randomUUID(),
  eventId: randomUUID(),
});

export const signJwt = (key: SigningKey, payload: Record<string, unknown>): string => {
  const header = Buffer.from(JSON.stringify({ kid: key.kid, alg: 'RS256' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), key.privateKey).toString('base64url');
  return `${header}.${body}.${signature}`;
};

export interface TokenSettings {
  key: SigningKey;
  issuer: string;
  clientId: string;
}

export const issueJwts = (
  s: TokenSettings,
  user: TokenSubject,
  ctx: SignInContext,
  nowSeconds: number,
  lifetimeSeconds = TOKEN_LIFETIME_SECONDS,
): { accessToken: string; idToken: string } => {
  const exp = nowSeconds + lifetimeSeconds;
  // Cognito leaves the claim out, rather than sending [], for a user in no group.
  const groups = user.groups.length > 0 ? { 'cognito:groups': [...user.groups] } : {};
  const accessToken = signJwt(s.key, {
    sub: user.sub,
    ...groups,
    iss: s.issuer,
    client_id: s.clientId,
    origin_jti: ctx.originJti,
    event_id: ctx.eventId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: ctx.authTime,
    exp,
    iat: nowSeconds,
    jti: randomUUID(),
    username: user.username,
  });
  const idToken = signJwt(s.key, {
    sub: user.sub,
    ...groups,
    email_verified: user.emailVerified,
    iss: s.issuer,
    'cognito:username': user.username,
    origin_jti: ctx.originJti,
    aud: s.clientId,
    event_id: ctx.eventId,
    token_use: 'id',
    auth_time: ctx.authTime,
    exp,
    iat: nowSeconds,
    jti: randomUUID(),
    email: user.email,
  });
  return { accessToken, idToken };
};

/**
 * Refresh tokens and challenge sessions are bearer secrets: 256 random bits handed out once,
 * kept only as a SHA-256 hash (a fast hash is enough for a value nobody can guess).
 */
export const newOpaqueSecret = (): string => randomBytes(32).toString('base64url');

export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('hex');
