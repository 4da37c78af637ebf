import { Secret, TOTP } from 'otpauth';

/**
 * TOTP as Cognito's software-token MFA does it (RFC 6238): SHA-1, 6 digits, 30-second steps,
 * 160-bit secrets handed out in base32. A code is accepted one step early or late (clock drift
 * between the phone and us), and the step it belongs to is returned so the caller can refuse a
 * second use of the same code (or of an older one).
 */
export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
const WINDOW_STEPS = 1;

const totpFor = (secretBase32: string): TOTP =>
  new TOTP({ secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: DIGITS, period: TOTP_PERIOD_SECONDS });

/** A new secret in base32 (32 characters), as AssociateSoftwareToken's SecretCode. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The time step the code belongs to, or undefined when it is not a current code of this secret. */
export const totpStepOf = (secretBase32: string, code: string, now: Date): number | undefined => {
  if (!/^[0-9]{6}$/.test(code)) return undefined;
  const totp = totpFor(secretBase32);
  const timestamp = now.getTime();
  const delta = totp.validate({ token: code, timestamp, window: WINDOW_STEPS });
  return delta === null ? undefined : totp.counter({ timestamp }) + delta;
};
