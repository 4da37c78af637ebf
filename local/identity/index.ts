import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock, type Clock } from '../../core/clock';
import type { UserDirectory } from '../../core/ports/user-directory';
import { createAccessTokenVerifier } from './access-token';
import { createAccountOperations } from './account';
import { createAuthOperations } from './auth';
import { createLocalUserDirectory } from './directory';
import { createLockout } from './lockout';
import { createPasswordHasher, defaultScryptCost, type ScryptCost } from './passwords';
import { CognitoError, errorResponse, internalError, okResponse, operationOf, parseBody, type IdpResponse } from './protocol';
import { ownerOnlyDir } from '../../adapters/local/crypto/key-files';
import { loadOrCreateSecretBox } from '../../adapters/local/crypto/secret-box';
import { createChallengeSessions } from './sessions';
import { loadOrCreateSigningKey } from './signing-key';
import { createIdpStore } from './store';
import { ensureAdmin } from './users';

/**
 * The local stand-in for a Cognito user pool: the subset of its API the console uses — sign-in
 * (InitiateAuth with USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH; RespondToAuthChallenge for
 * NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA and MFA_SETUP), the signed-in user's own operations
 * (AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference, GetUser, ChangePassword),
 * Cognito-shaped RS256 tokens and the JWKS to verify them — plus, in process, the admin side as a
 * UserDirectory. State lives in the single table and the keys in the data folder, so nothing here
 * needs the process to stay up, and the same module could answer as a Lambda behind API Gateway.
 */
export type { IdpResponse } from './protocol';
export type { ScryptCost } from './passwords';
export { createPasswordHasher, defaultScryptCost, generatePassword, passwordPolicyViolations } from './passwords';
export { createIdpStore, type IdpStore, type IdpUser } from './store';
export { createUser, DEFAULT_ADMIN_EMAIL, DEFAULT_ADMIN_USERNAME, type NewUser, type CreateUserResult } from './users';
export { createLocalUserDirectory, type LocalDirectoryDeps } from './directory';
export { LOCKOUT } from './lockout';

export interface IdentityProviderOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  dataDir: string;
  /** The `iss` of every token, e.g. `http://127.0.0.1:3000/local-idp`; the JWKS is served under it. */
  issuer: string;
  /** The one app client of the pool: requests naming another get ResourceNotFoundException. */
  clientId: string;
  /** The pool's id, for parity with Cognito's configuration; the local pool has one client and one issuer. */
  userPoolId: string;
  clock?: Clock;
  /** Password hashing cost; the default is the strong one, lower it only in tests. */
  scryptCost?: ScryptCost;
  /** Told about failures answered as InternalErrorException (the caller decides how to log them). */
  onInternalError?: (error: unknown) => void;
}

export interface LocalIdentityProvider {
  handle(target: string | undefined, body: string): Promise<IdpResponse>;
  jwks(): { keys: Record<string, unknown>[] };
  ensureAdmin(opts: {
    email?: string | undefined;
    password?: string | undefined;
  }): Promise<{ created: boolean; username: string; generatedPassword?: string }>;
  /** For tests and tooling: sign tokens for an existing user without a password (e.g. to mint an expired token). */
  issueTokens(username: string, opts?: { expiresInSeconds?: number }): Promise<{ accessToken: string; idToken: string }>;
  /** The admin side (invite, disable, groups, MFA mode, ...) for the API's user handlers. */
  directory: UserDirectory;
}

export const createLocalIdentityProvider = async (opts: IdentityProviderOptions): Promise<LocalIdentityProvider> => {
  const clock = opts.clock ?? systemClock;
  const key = await loadOrCreateSigningKey(opts.dataDir);
  const secrets = await loadOrCreateSecretBox(path.join(await ownerOnlyDir(opts.dataDir, 'identity'), 'secrets.key'));
  const store = createIdpStore(opts.doc, opts.tableName);
  const hasher = createPasswordHasher(opts.scryptCost ?? defaultScryptCost);
  const tokens = { key, issuer: opts.issuer, clientId: opts.clientId };
  const sessions = createChallengeSessions({ store, clock, clientId: opts.clientId });
  const lockout = createLockout({ store, clock });
  const auth = createAuthOperations({ store, hasher, clock, tokens, secrets, sessions, lockout });
  const account = createAccountOperations({
    store,
    hasher,
    clock,
    secrets,
    sessions,
    lockout,
    verifyAccessToken: createAccessTokenVerifier({ store, tokens, clock }),
  });

  const operations: Record<string, ((input: unknown) => Promise<unknown>) | undefined> = {
    InitiateAuth: auth.initiateAuth,
    RespondToAuthChallenge: auth.respondToAuthChallenge,
    AssociateSoftwareToken: account.associateSoftwareToken,
    VerifySoftwareToken: account.verifySoftwareToken,
    SetUserMFAPreference: account.setUserMfaPreference,
    GetUser: account.getUser,
    ChangePassword: account.changePassword,
  };

  const handle = async (target: string | undefined, body: string): Promise<IdpResponse> => {
    const requestId = randomUUID();
    try {
      const name = operationOf(target);
      const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
      if (operation === undefined) {
        throw new CognitoError('UnknownOperationException', `The operation ${name} is not supported by the local identity provider.`);
      }
      return okResponse(await operation(parseBody(body)), requestId);
    } catch (e) {
      if (e instanceof CognitoError) return errorResponse(e, requestId);
      opts.onInternalError?.(e);
      return errorResponse(internalError(), requestId);
    }
  };

  return {
    handle,
    jwks: () => ({ keys: [{ ...key.jwk }] }),
    ensureAdmin: (admin) => ensureAdmin({ store, hasher, clock }, admin),
    issueTokens: (username, o) => auth.issueTokensFor(username, o?.expiresInSeconds),
    directory: createLocalUserDirectory({ store, hasher, clock }),
  };
};
