import type { Clock } from '../../core/clock';
import type { IdpStore, LockoutPolicy } from './store';
import { secretHash } from './tokens';

/**
 * Account lockout: five failed attempts in a row lock sign-in for fifteen minutes, during which
 * the answer is Cognito's "Password attempts exceeded" and the password is not even checked. A
 * full sign-in resets the count. Wrong TOTP codes and wrong current passwords (ChangePassword)
 * count too, so a stolen password does not allow guessing codes without end.
 *
 * Logins that match no user are counted and locked the same way (under a hash of what was typed,
 * which may be a mistyped password), so the lockout answer does not tell who has an account.
 */
export const LOCKOUT: LockoutPolicy = { maxFailures: 5, lockSeconds: 15 * 60, memorySeconds: 24 * 3600 };
export const PASSWORD_ATTEMPTS_EXCEEDED = 'Password attempts exceeded';

export const createLockout = (deps: { store: IdpStore; clock: Clock }) => {
  const { store, clock } = deps;
  const nowSeconds = (): number => Math.floor(clock.now().getTime() / 1000);
  return {
    keyForUser: (username: string): string => secretHash(`user:${username}`),
    keyForLogin: (login: string): string => secretHash(`login:${login.trim().toLowerCase()}`),
    /** Whether sign-in is locked now, and how many failures are on record. */
    state: async (key: string): Promise<{ locked: boolean; failures: number }> => {
      const now = nowSeconds();
      const record = await store.getAttempts(key, now);
      return { locked: record?.lockedUntil !== undefined && record.lockedUntil > now, failures: record?.failedAttempts ?? 0 };
    },
    fail: async (key: string): Promise<void> => {
      await store.recordFailedAttempt(key, clock.now(), LOCKOUT);
    },
    clear: (key: string): Promise<void> => store.clearAttempts(key),
  };
};

export type Lockout = ReturnType<typeof createLockout>;
