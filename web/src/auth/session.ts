import {
  AssociateSoftwareTokenCommand,
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { RuntimeConfig } from '../app/config';

/**
 * The console's Cognito session. Sign-in uses Cognito's own API (InitiateAuth with
 * USER_PASSWORD_AUTH, RespondToAuthChallenge, REFRESH_TOKEN_AUTH) against `identityEndpoint`,
 * which is Cognito on AWS and the local identity provider on one machine. Those operations are
 * unauthenticated (the SDK picks its `smithy.api#noAuth` scheme for them), so no AWS credentials
 * are needed or looked up.
 *
 * Access and ID tokens live only in memory; the refresh token is kept in sessionStorage so that a
 * reload of the tab (not a new tab, not a new browser session) stays signed in.
 *
 * The signed-in user's own account operations (GetUser, ChangePassword, TOTP enrolment with
 * AssociateSoftwareToken, VerifySoftwareToken and SetUserMFAPreference) go to the same endpoint,
 * authorized by the access token in the request body, so they need no AWS credentials either.
 */

export type Challenge =
  | { kind: 'NEW_PASSWORD_REQUIRED'; username: string; session: string }
  | { kind: 'SOFTWARE_TOKEN_MFA'; username: string; session: string }
  /** The pool requires MFA and the user has none yet: set up an authenticator app to finish signing in. */
  | { kind: 'MFA_SETUP'; username: string; session: string };

/** The signed-in user's account as Cognito's GetUser describes it. */
export interface Account {
  username: string;
  email?: string;
  /** An authenticator app (TOTP) is set up and asked for at sign-in. */
  totpEnabled: boolean;
  totpPreferred: boolean;
}

export type SignInStep = { kind: 'signedIn' } | Challenge;

export type SessionState = { status: 'signedIn' } | { status: 'signedOut'; reason?: string };

/** A failure from the identity provider, with Cognito's exception name and message. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Tokens {
  accessToken: string;
  idToken?: string;
  expiresAt: number;
}

/** Refresh this long before expiry (capped at a quarter of the token's lifetime). */
const REFRESH_LEAD_MS = 5 * 60_000;
/** A token this close to expiry is refreshed before it is used. */
const MIN_VALIDITY_MS = 30_000;

const toAuthError = (e: unknown): AuthError => {
  if (e instanceof AuthError) return e;
  if (e instanceof TypeError) {
    // fetch() rejects with a TypeError when the endpoint cannot be reached at all.
    return new AuthError('NetworkError', 'The sign-in service could not be reached. Check your connection and try again.');
  }
  if (e instanceof Error) {
    const message = e.message.trim() === '' || e.message === 'UnknownError' ? 'Sign-in failed.' : e.message;
    return new AuthError(e.name, message);
  }
  return new AuthError('Unknown', 'Sign-in failed.');
};

export class AuthSession {
  private readonly client: CognitoIdentityProviderClient;
  private readonly storageKey: string;
  private tokens: Tokens | undefined;
  private refreshing: Promise<boolean> | undefined;
  private timer: number | undefined;
  private current: SessionState = { status: 'signedOut' };
  private readonly listeners = new Set<(state: SessionState) => void>();

  constructor(
    private readonly config: RuntimeConfig,
    private readonly storage: Storage = window.sessionStorage,
    private readonly now: () => number = Date.now,
  ) {
    this.client = new CognitoIdentityProviderClient({
      region: config.region,
      endpoint: config.identityEndpoint,
      maxAttempts: 2,
    });
    this.storageKey = `opsconductor:${config.userPoolClientId}:refreshToken`;
  }

  get state(): SessionState {
    return this.current;
  }

  subscribe(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async signIn(username: string, password: string): Promise<SignInStep> {
    try {
      const out = await this.client.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: this.config.userPoolClientId,
          AuthParameters: { USERNAME: username, PASSWORD: password },
        }),
      );
      return this.afterAuthStep(username, out);
    } catch (e) {
      throw toAuthError(e);
    }
  }

  async completeNewPassword(challenge: Challenge, newPassword: string): Promise<SignInStep> {
    return this.respond(challenge, { NEW_PASSWORD: newPassword });
  }

  async answerTotp(challenge: Challenge, code: string): Promise<SignInStep> {
    return this.respond(challenge, { SOFTWARE_TOKEN_MFA_CODE: code });
  }

  /**
   * MFA_SETUP, first step: ask for a new authenticator secret with the challenge's session. Each
   * answer comes with a new session for the next step (asking again gives a new secret).
   */
  async beginMfaSetup(challenge: Challenge): Promise<{ secretCode: string; challenge: Challenge }> {
    try {
      const out = await this.client.send(new AssociateSoftwareTokenCommand({ Session: challenge.session }));
      if (out.SecretCode === undefined) throw new AuthError('InvalidResponse', 'The sign-in service returned no authenticator key.');
      return { secretCode: out.SecretCode, challenge: { ...challenge, session: out.Session ?? challenge.session } };
    } catch (e) {
      throw toAuthError(e);
    }
  }

  /** MFA_SETUP, last steps: prove the authenticator with a code, then finish the sign-in with the session that proof earns. */
  async completeMfaSetup(challenge: Challenge, code: string): Promise<SignInStep> {
    let session: string;
    try {
      const out = await this.client.send(
        new VerifySoftwareTokenCommand({ Session: challenge.session, UserCode: code, FriendlyDeviceName: 'Authenticator app' }),
      );
      if (out.Status !== 'SUCCESS') throw new AuthError('CodeMismatchException', 'The code was not accepted. Check the time on your device and try again.');
      session = out.Session ?? challenge.session;
    } catch (e) {
      throw toAuthError(e);
    }
    return this.respond({ ...challenge, session }, {});
  }

  /** GetUser: the account and whether TOTP MFA is on. */
  async getAccount(): Promise<Account> {
    const AccessToken = await this.requireAccessToken();
    try {
      const out = await this.client.send(new GetUserCommand({ AccessToken }));
      const email = out.UserAttributes?.find((a) => a.Name === 'email')?.Value;
      return {
        username: out.Username ?? '',
        ...(email === undefined ? {} : { email }),
        totpEnabled: out.UserMFASettingList?.includes('SOFTWARE_TOKEN_MFA') === true,
        totpPreferred: out.PreferredMfaSetting === 'SOFTWARE_TOKEN_MFA',
      };
    } catch (e) {
      throw toAuthError(e);
    }
  }

  /**
   * ChangePassword. Cognito ends every sign-in of the user when the password changes, this one
   * included, so the caller signs in again with the new password (see `signIn`) or signs out.
   */
  async changePassword(previousPassword: string, proposedPassword: string): Promise<void> {
    const AccessToken = await this.requireAccessToken();
    try {
      await this.client.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: previousPassword, ProposedPassword: proposedPassword }));
    } catch (e) {
      throw toAuthError(e);
    }
  }

  /** TOTP enrolment, first step: a new secret for the authenticator app (not active until verified). */
  async associateSoftwareToken(): Promise<string> {
    const AccessToken = await this.requireAccessToken();
    try {
      const out = await this.client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
      if (out.SecretCode === undefined) throw new AuthError('InvalidResponse', 'The sign-in service returned no authenticator key.');
      return out.SecretCode;
    } catch (e) {
      throw toAuthError(e);
    }
  }

  /** TOTP enrolment, second step: a current code proves the app has the secret. */
  async verifySoftwareToken(code: string): Promise<void> {
    const AccessToken = await this.requireAccessToken();
    try {
      const out = await this.client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: code, FriendlyDeviceName: 'Authenticator app' }));
      if (out.Status !== 'SUCCESS') throw new AuthError('CodeMismatchException', 'The code was not accepted. Check the time on your device and try again.');
    } catch (e) {
      throw toAuthError(e);
    }
  }

  /** Turn TOTP MFA on (and make it the preferred second factor) or off. */
  async setTotpMfa(enabled: boolean): Promise<void> {
    const AccessToken = await this.requireAccessToken();
    try {
      await this.client.send(
        new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: enabled, PreferredMfa: enabled } }),
      );
    } catch (e) {
      throw toAuthError(e);
    }
  }

  /** On start: resume the tab's session from its refresh token, if there is one. */
  async restore(): Promise<boolean> {
    if (this.readRefreshToken() === undefined) return false;
    return this.refresh();
  }

  /**
   * Trade the refresh token for new access and ID tokens. Concurrent callers share one request.
   * Resolves false (and signs out) when there is no session to refresh or Cognito refuses.
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** A currently valid access token, refreshed first if it is about to expire. */
  async accessToken(): Promise<string | undefined> {
    if (this.tokens && this.tokens.expiresAt - this.now() > MIN_VALIDITY_MS) return this.tokens.accessToken;
    if (!(await this.refresh())) return undefined;
    return this.tokens?.accessToken;
  }

  signOut(reason?: string): void {
    this.clearTimer();
    this.tokens = undefined;
    this.storage.removeItem(this.storageKey);
    this.setState(reason === undefined ? { status: 'signedOut' } : { status: 'signedOut', reason });
  }

  private async requireAccessToken(): Promise<string> {
    const token = await this.accessToken();
    if (token === undefined) throw new AuthError('NotSignedIn', 'Your session has ended. Sign in again.');
    return token;
  }

  private async respond(challenge: Challenge, answers: Record<string, string>): Promise<SignInStep> {
    try {
      const out = await this.client.send(
        new RespondToAuthChallengeCommand({
          ClientId: this.config.userPoolClientId,
          ChallengeName: challenge.kind,
          Session: challenge.session,
          ChallengeResponses: { USERNAME: challenge.username, ...answers },
        }),
      );
      return this.afterAuthStep(challenge.username, out);
    } catch (e) {
      throw toAuthError(e);
    }
  }

  private afterAuthStep(
    enteredUsername: string,
    out: {
      AuthenticationResult?: AuthenticationResultType | undefined;
      ChallengeName?: string | undefined;
      Session?: string | undefined;
      ChallengeParameters?: Record<string, string> | undefined;
    },
  ): SignInStep {
    if (out.AuthenticationResult) {
      this.accept(out.AuthenticationResult);
      return { kind: 'signedIn' };
    }
    // Cognito names the user in USER_ID_FOR_SRP (the real username when an email was typed).
    const username = out.ChallengeParameters?.USER_ID_FOR_SRP ?? enteredUsername;
    const session = out.Session ?? '';
    switch (out.ChallengeName) {
      case 'NEW_PASSWORD_REQUIRED':
        return { kind: 'NEW_PASSWORD_REQUIRED', username, session };
      case 'SOFTWARE_TOKEN_MFA':
        return { kind: 'SOFTWARE_TOKEN_MFA', username, session };
      case 'MFA_SETUP':
        return { kind: 'MFA_SETUP', username, session };
      default:
        throw new AuthError(
          'UnsupportedChallenge',
          `The sign-in service asked for a step this console does not support (${out.ChallengeName ?? 'none'}).`,
        );
    }
  }

  private accept(result: AuthenticationResultType): void {
    if (result.AccessToken === undefined) throw new AuthError('InvalidResponse', 'The sign-in service returned no access token.');
    const lifetimeMs = (result.ExpiresIn ?? 3600) * 1000;
    this.tokens = {
      accessToken: result.AccessToken,
      ...(result.IdToken === undefined ? {} : { idToken: result.IdToken }),
      expiresAt: this.now() + lifetimeMs,
    };
    // REFRESH_TOKEN_AUTH answers without a refresh token unless rotation is on: keep the old one.
    if (result.RefreshToken !== undefined) this.storage.setItem(this.storageKey, result.RefreshToken);
    this.scheduleRefresh(lifetimeMs);
    this.setState({ status: 'signedIn' });
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = this.readRefreshToken();
    if (refreshToken === undefined) {
      if (this.current.status === 'signedIn') this.signOut('Your session has ended. Sign in again.');
      return false;
    }
    try {
      const out = await this.client.send(
        new InitiateAuthCommand({
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: this.config.userPoolClientId,
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
      );
      if (!out.AuthenticationResult) throw new AuthError('InvalidResponse', 'The sign-in service did not renew the session.');
      this.accept(out.AuthenticationResult);
      return true;
    } catch (e) {
      const err = toAuthError(e);
      if (err.code === 'NetworkError') {
        // Keep the refresh token: the session may still be good once the network is back.
        this.clearTimer();
        this.tokens = undefined;
        this.setState({ status: 'signedOut', reason: err.message });
      } else {
        this.signOut(`Your session has expired. Sign in again. (${err.message})`);
      }
      return false;
    }
  }

  private scheduleRefresh(lifetimeMs: number): void {
    this.clearTimer();
    const lead = Math.min(REFRESH_LEAD_MS, lifetimeMs / 4);
    const delay = Math.max(5_000, lifetimeMs - lead);
    this.timer = window.setTimeout(() => {
      void this.refresh();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readRefreshToken(): string | undefined {
    const value = this.storage.getItem(this.storageKey);
    return value === null || value === '' ? undefined : value;
  }

  private setState(state: SessionState): void {
    // A renewed session is no news; a sign-out always is (it may carry a new reason).
    if (state.status === 'signedIn' && this.current.status === 'signedIn') return;
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
