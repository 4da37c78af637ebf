import type { Clock } from '../../core/clock';
import type { SecretBox } from '../../adapters/local/crypto/secret-box';
import type { IdpStore, IdpUser, TotpState } from './store';
import { totpStepOf } from './totp';

/** The associated data a user's TOTP secret is sealed with: it opens on this user's item only. */
export const totpSealContext = (sub: string): string => `totp:${sub}`;

export type TotpCheck = 'accepted' | 'mismatch' | 'reused';

/**
 * Check a code against the user's authenticator and spend its time step, so neither this code
 * nor an older one works again (RFC 6238 §5.2). The secret is opened only for the computation.
 */
export const spendTotpCode = async (
  deps: { store: IdpStore; secrets: SecretBox; clock: Clock },
  user: IdpUser,
  totp: TotpState,
  code: string,
): Promise<TotpCheck> => {
  const step = totpStepOf(deps.secrets.open(totp.secret, totpSealContext(user.sub)), code, deps.clock.now());
  if (step === undefined) return 'mismatch';
  if (step <= totp.lastCounter) return 'reused';
  return (await deps.store.useTotpStep(user.username, totp.secret, step)) ? 'accepted' : 'reused';
};
