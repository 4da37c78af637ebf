import { z } from 'zod';
import type { Clock } from '../../core/clock';
import type { AccessTokenVerifier } from './access-token';
import { WRONG_CREDENTIALS } from './auth';
import type { Lockout } from './lockout';
import { totpSealContext } from './mfa';
import { passwordPolicyViolations, type PasswordHasher } from './passwords';
import { CognitoError, notAuthorized, parseRequest } from './protocol';
import type { SecretBox } from '../../adapters/local/crypto/secret-box';
import type { ChallengeSessions } from './sessions';
import type { IdpStore, IdpUser, TotpState } from './store';
import { newTotpSecret, totpStepOf } from './totp';

/**
 * The signed-in user's own operations, authorized by an access token (access-token.ts) or, for
 * setting up TOTP during sign-in (MFA_SETUP), by the challenge Session: AssociateSoftwareToken,
 * VerifySoftwareToken, SetUserMFAPreference, GetUser and ChangePassword, with Cognito's requests,
 * answers and exceptions.
 *
 * The TOTP secret leaves the identity provider once, in AssociateSoftwareToken's answer; it is
 * stored sealed (secret-box.ts) and never logged (failures are reported without request data).
 */
const accessToken = z
  .string()
  .min(1)
  .max(8192)
  .regex(/^[A-Za-z0-9\-_=.]+$/);
const session = z.string().min(20).max(2048);
const mfaSettings = z.object({ Enabled: z.boolean().optional(), PreferredMfa: z.boolean().optional() });

const AssociateSoftwareTokenRequest = z.object({ AccessToken: accessToken.optional(), Session: session.optional() });
const VerifySoftwareTokenRequest = z.object({
  AccessToken: accessToken.optional(),
  Session: session.optional(),
  UserCode: z
    .string()
    .length(6)
    .regex(/^[0-9]+$/),
  FriendlyDeviceName: z.string().max(131072).optional(),
});
const SetUserMFAPreferenceRequest = z.object({
  AccessToken: accessToken,
  SoftwareTokenMfaSettings: mfaSettings.optional(),
  SMSMfaSettings: mfaSettings.optional(),
  EmailMfaSettings: mfaSettings.optional(),
});
const GetUserRequest = z.object({ AccessToken: accessToken });
const ChangePasswordRequest = z.object({
  AccessToken: accessToken,
  PreviousPassword: z.string().max(256),
  ProposedPassword: z.string().max(256),
});

const NOT_SET_UP = (mfa: string) => new CognitoError('InvalidParameterException', `User does not have delivery config set to turn on ${mfa}`);
const CODE_MISMATCH = () => new CognitoError('EnableSoftwareTokenMFAException', 'Code mismatch and fail enable Software Token MFA');
const NO_TOTP = () => new CognitoError('SoftwareTokenMFANotFoundException', 'Software Token MFA does not exist for the user.');
const TOO_MANY = () => new CognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');

export interface AccountDeps {
  store: IdpStore;
  hasher: PasswordHasher;
  clock: Clock;
  secrets: SecretBox;
  sessions: ChallengeSessions;
  lockout: Lockout;
  verifyAccessToken: AccessTokenVerifier;
}

/** Cognito takes an access token or a session, never both. */
const oneOf = (req: { AccessToken?: string | undefined; Session?: string | undefined }) => {
  if (req.AccessToken !== undefined && req.Session === undefined) return { accessToken: req.AccessToken } as const;
  if (req.Session !== undefined && req.AccessToken === undefined) return { session: req.Session } as const;
  throw new CognitoError('InvalidParameterException', 'Exactly one of AccessToken or Session is required.');
};

export const createAccountOperations = (deps: AccountDeps) => {
  const { store, hasher, clock, secrets, sessions, lockout, verifyAccessToken } = deps;

  const keepPending = async (user: IdpUser, secret: string): Promise<void> => {
    const now = clock.now();
    const sealed = secrets.seal(secret, totpSealContext(user.sub));
    if (!(await store.setPendingTotp(user.username, user.sub, { secret: sealed, createdAt: now.toISOString() }, now))) {
      throw notAuthorized('Access Token has been revoked');
    }
  };

  const associateSoftwareToken = async (input: unknown): Promise<{ SecretCode: string; Session?: string }> => {
    const via = oneOf(parseRequest(AssociateSoftwareTokenRequest, input));
    const secret = newTotpSecret();
    if (via.accessToken !== undefined) {
      await keepPending(await verifyAccessToken(via.accessToken), secret);
      return { SecretCode: secret };
    }
    // Asking again before verifying (a new QR code) is allowed; each answer is a new session.
    const { hash, user } = await sessions.load(via.session, 'MFA_SETUP', { steps: ['ASSOCIATE', 'VERIFY'] });
    await sessions.consume(hash);
    await keepPending(user, secret);
    return { SecretCode: secret, Session: await sessions.open(user, 'MFA_SETUP', 'VERIFY') };
  };

  const verifySoftwareToken = async (input: unknown): Promise<{ Status: 'SUCCESS' | 'ERROR'; Session?: string }> => {
    const req = parseRequest(VerifySoftwareTokenRequest, input);
    const via = oneOf(req);
    const { user, hash } =
      via.accessToken !== undefined
        ? { user: await verifyAccessToken(via.accessToken), hash: undefined }
        : await sessions.load(via.session, 'MFA_SETUP', { steps: ['VERIFY'] });
    const pending = user.totpPending;
    if (pending === undefined) throw NO_TOTP();
    const now = clock.now();
    const step = totpStepOf(secrets.open(pending.secret, totpSealContext(user.sub)), req.UserCode, now);
    if (step === undefined) throw CODE_MISMATCH();
    const device = req.FriendlyDeviceName;
    const totp: TotpState = {
      secret: pending.secret,
      // A replaced authenticator keeps the user's MFA settings; a first one waits for SetUserMFAPreference.
      enabled: user.totp?.enabled ?? false,
      preferred: user.totp?.preferred ?? false,
      // The code just used to verify does not also sign in.
      lastCounter: step,
      ...(device === undefined || device === '' ? {} : { friendlyDeviceName: device }),
      verifiedAt: now.toISOString(),
    };
    if (hash !== undefined) await sessions.consume(hash);
    const updated = await store.completeTotpEnrolment(user.username, pending.secret, totp, now);
    // Another AssociateSoftwareToken replaced the secret meanwhile: this code was for the old one.
    if (updated === undefined) throw CODE_MISMATCH();
    if (hash === undefined) return { Status: 'SUCCESS' };
    return { Status: 'SUCCESS', Session: await sessions.open(updated, 'MFA_SETUP', 'RESPOND') };
  };

  const setUserMfaPreference = async (input: unknown): Promise<Record<string, never>> => {
    const req = parseRequest(SetUserMFAPreferenceRequest, input);
    const user = await verifyAccessToken(req.AccessToken);
    // The local pool offers TOTP only, like the AWS pool (no SMS, no email codes).
    const others: [string, z.infer<typeof mfaSettings> | undefined][] = [
      ['SMS_MFA', req.SMSMfaSettings],
      ['EMAIL_OTP', req.EmailMfaSettings],
    ];
    for (const [name, s] of others) {
      if (s?.Enabled === true || s?.PreferredMfa === true) throw NOT_SET_UP(name);
    }
    const s = req.SoftwareTokenMfaSettings;
    if (s === undefined) return {};
    const enabled = s.Enabled ?? (s.PreferredMfa === true || user.totp?.enabled === true);
    const preferred = enabled && (s.PreferredMfa ?? user.totp?.preferred ?? false);
    if (user.totp === undefined) {
      if (enabled) throw NOT_SET_UP('SOFTWARE_TOKEN_MFA');
      return {};
    }
    const updated = await store.setTotpPreference(user.username, user.totp.secret, enabled, preferred, clock.now());
    if (updated === undefined) throw NOT_SET_UP('SOFTWARE_TOKEN_MFA');
    return {};
  };

  const getUser = async (input: unknown) => {
    const req = parseRequest(GetUserRequest, input);
    const user = await verifyAccessToken(req.AccessToken);
    const totp = user.totp?.enabled === true ? user.totp : undefined;
    return {
      Username: user.username,
      UserAttributes: [
        { Name: 'sub', Value: user.sub },
        { Name: 'email_verified', Value: String(user.emailVerified) },
        { Name: 'email', Value: user.email },
      ],
      ...(totp === undefined
        ? {}
        : { ...(totp.preferred ? { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' } : {}), UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] }),
    };
  };

  /** Like any password change, ends every sign-in of the user (refresh and access tokens), this one included. */
  const changePassword = async (input: unknown): Promise<Record<string, never>> => {
    const req = parseRequest(ChangePasswordRequest, input);
    const user = await verifyAccessToken(req.AccessToken);
    const key = lockout.keyForUser(user.username);
    const attempts = await lockout.state(key);
    if (attempts.locked) throw TOO_MANY();
    if (!(await hasher.verify(req.PreviousPassword, user.passwordHash))) {
      await lockout.fail(key);
      throw notAuthorized(WRONG_CREDENTIALS);
    }
    const violations = passwordPolicyViolations(req.ProposedPassword);
    if (violations.length > 0) {
      throw new CognitoError('InvalidPasswordException', `Password does not conform to policy: ${violations.join('; ')}`);
    }
    const passwordHash = await hasher.hash(req.ProposedPassword);
    let current = user;
    // The version guards against a concurrent change; an unrelated one (groups, say) is retried over.
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await store.setPassword(current.username, current.version, passwordHash, clock.now())) !== undefined) {
        if (attempts.failures > 0) await lockout.clear(key);
        return {};
      }
      const latest = await store.getUser(current.username);
      if (latest?.sub !== user.sub || latest.tokenGeneration !== user.tokenGeneration) {
        throw notAuthorized('Access Token has been revoked');
      }
      current = latest;
    }
    throw TOO_MANY();
  };

  return { associateSoftwareToken, verifySoftwareToken, setUserMfaPreference, getUser, changePassword };
};
