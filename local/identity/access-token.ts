import { verify } from 'node:crypto';
import type { Clock } from '../../core/clock';
import { notAuthorized } from './protocol';
import type { IdpStore, IdpUser } from './store';
import type { TokenSettings } from './tokens';

/**
 * Checks the access token that Cognito's user-facing operations (GetUser, ChangePassword,
 * AssociateSoftwareToken, ...) are authorized with: our signature and key, our issuer and client,
 * `token_use` access with Cognito's admin scope, not expired by the injected clock, and not
 * revoked. Revocation works as Cognito's does, per sign-in: each sign-in stores the user's token
 * generation under its `origin_jti` (which every access token of that sign-in, refreshed ones
 * included, carries); a password change, a disable or a delete moves the user on, and the sign-in's
 * tokens stop working at once instead of at their expiry. The token's claims stay exactly Cognito's.
 */
export const ACCESS_SCOPE = 'aws.cognito.signin.user.admin';

const INVALID = 'Invalid Access Token';

const decodePart = (part: string | undefined): Record<string, unknown> | undefined => {
  if (part === undefined || !/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

export const createAccessTokenVerifier = (deps: { store: IdpStore; tokens: TokenSettings; clock: Clock }) => {
  const { store, tokens, clock } = deps;

  /** The user the token speaks for, as stored now; throws Cognito's NotAuthorizedException otherwise. */
  return async (token: string): Promise<IdpUser> => {
    const parts = token.split('.');
    const [h, p, s] = parts;
    const header = decodePart(h);
    const payload = decodePart(p);
    if (parts.length !== 3 || header === undefined || payload === undefined || s === undefined || s === '') {
      throw notAuthorized(INVALID);
    }
    if (header.alg !== 'RS256' || header.kid !== tokens.key.kid) throw notAuthorized(INVALID);
    const signed = verify('sha256', Buffer.from(`${h ?? ''}.${p ?? ''}`), tokens.key.publicKey, Buffer.from(s, 'base64url'));
    if (!signed) throw notAuthorized(INVALID);

    const { token_use: use, iss, client_id: client, scope, exp, username, sub, origin_jti: origin } = payload;
    const scopes = typeof scope === 'string' ? scope.split(' ') : [];
    if (
      use !== 'access' ||
      iss !== tokens.issuer ||
      client !== tokens.clientId ||
      !scopes.includes(ACCESS_SCOPE) ||
      typeof exp !== 'number' ||
      typeof username !== 'string' ||
      typeof sub !== 'string' ||
      typeof origin !== 'string'
    ) {
      throw notAuthorized(INVALID);
    }
    const nowSeconds = Math.floor(clock.now().getTime() / 1000);
    if (exp <= nowSeconds) throw notAuthorized('Access Token has expired');

    const [signIn, user] = await Promise.all([store.getOrigin(origin, nowSeconds), store.getUser(username)]);
    const current =
      signIn !== undefined &&
      user !== undefined &&
      signIn.username === user.username &&
      signIn.clientId === tokens.clientId &&
      signIn.sub === sub &&
      user.sub === sub &&
      signIn.tokenGeneration === user.tokenGeneration;
    if (!current) throw notAuthorized('Access Token has been revoked');
    if (!user.enabled) throw notAuthorized('User is disabled.');
    return user;
  };
};

export type AccessTokenVerifier = ReturnType<typeof createAccessTokenVerifier>;
