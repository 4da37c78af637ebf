import type { Clock } from '../../core/clock';
import { notAuthorized } from './protocol';
import {
  normalizeEmail,
  normalizeUsername,
  type ChallengeName,
  type IdpStore,
  type IdpUser,
  type SessionRecord,
  type SetupStep,
} from './store';
import { newOpaqueSecret, secretHash } from './tokens';

/**
 * Challenge sessions: the opaque `Session` strings that carry a sign-in from one step to the
 * next (new password, TOTP code, TOTP setup). Each is a 256-bit secret stored as a SHA-256 hash,
 * valid for three minutes (Cognito's default) and answered once; the next step gets a new one.
 */
export const SESSION_SECONDS = 3 * 60;

export const createChallengeSessions = (deps: { store: IdpStore; clock: Clock; clientId: string }) => {
  const { store, clock, clientId } = deps;
  const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

  const open = async (user: IdpUser, challengeName: ChallengeName, step?: SetupStep): Promise<string> => {
    const now = clock.now();
    const token = newOpaqueSecret();
    const record: SessionRecord = {
      username: user.username,
      sub: user.sub,
      clientId,
      challengeName,
      ...(step === undefined ? {} : { step }),
      createdAt: now.toISOString(),
      expiresAt: seconds(now) + SESSION_SECONDS,
    };
    await store.putSession(secretHash(token), record);
    return token;
  };

  /**
   * The live session and its user, refused in Cognito's words when it is unknown, expired, used,
   * for another challenge or step, or (given `login`) for someone else.
   */
  const load = async (
    token: string,
    challengeName: ChallengeName,
    opts: { login?: string; steps?: readonly SetupStep[] } = {},
  ): Promise<{ hash: string; session: SessionRecord; user: IdpUser }> => {
    const hash = secretHash(token);
    const session = await store.getSession(hash);
    if (session === undefined) throw notAuthorized('Invalid session for the user.');
    // Expiry is enforced here, on read: dynalite has no TTL and DynamoDB's deletes late.
    if (session.expiresAt <= seconds(clock.now())) throw notAuthorized('Invalid session for the user, session is expired.');
    if (session.usedAt !== undefined) throw notAuthorized('Invalid session for the user, session can only be used once.');
    const user = await store.getUser(session.username);
    const { login, steps } = opts;
    const fits =
      user !== undefined &&
      session.clientId === clientId &&
      session.challengeName === challengeName &&
      (session.sub === undefined || session.sub === user.sub) &&
      (steps === undefined || (session.step !== undefined && steps.includes(session.step))) &&
      (login === undefined || normalizeUsername(login) === user.username || normalizeEmail(login) === normalizeEmail(user.email));
    if (!fits) throw notAuthorized('Invalid session for the user.');
    if (!user.enabled) throw notAuthorized('User is disabled.');
    return { hash, session, user };
  };

  /** Spend a session; refused when someone answered it first. */
  const consume = async (hash: string): Promise<void> => {
    if (!(await store.consumeSession(hash, clock.now()))) {
      throw notAuthorized('Invalid session for the user, session can only be used once.');
    }
  };

  return { open, load, consume };
};

export type ChallengeSessions = ReturnType<typeof createChallengeSessions>;
