import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt. The stored form names its own parameters
 * (`scrypt$N$r$p$salt$hash`), so raising the cost later does not strand existing hashes.
 */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt floor is N=2^17,r=8 for interactive logins; 2^15 keeps a local sign-in near 100 ms on a laptop. */
export const defaultScryptCost: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;

const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;

/** Bounds on what we will compute, so a tampered item cannot make one sign-in eat the machine. */
const checkCost = (c: ScryptCost): void => {
  if (!isPowerOfTwo(c.N) || c.N < 2 ** 10 || c.N > 2 ** 20 || c.r < 1 || c.r > 32 || c.p < 1 || c.p > 16) {
    throw new Error('scrypt cost out of range (N a power of two in 2^10..2^20, r 1..32, p 1..16)');
  }
};

const derive = (password: string, salt: Buffer, c: ScryptCost): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    // Node's default maxmem (32 MiB) is exactly 128·N·r at N=2^15,r=8, which OpenSSL rejects.
    scrypt(password, salt, KEY_BYTES, { N: c.N, r: c.r, p: c.p, maxmem: 256 * c.N * c.r + 1024 * 1024 }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** Spend a verification's worth of time for a user that does not exist, so timing does not tell. */
  verifyNobody(password: string): Promise<void>;
}

export const createPasswordHasher = (cost: ScryptCost = defaultScryptCost): PasswordHasher => {
  checkCost(cost);
  const hash = async (password: string): Promise<string> => {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, cost);
    return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
  };
  const verify = async (password: string, stored: string): Promise<boolean> => {
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [N, r, p] = parts.slice(1, 4).map(Number);
    if (N === undefined || r === undefined || p === undefined) return false;
    const c = { N, r, p };
    try {
      checkCost(c);
    } catch {
      return false;
    }
    const salt = Buffer.from(parts[4] ?? '', 'base64url');
    const expected = Buffer.from(parts[5] ?? '', 'base64url');
    if (salt.length === 0 || expected.length !== KEY_BYTES) return false;
    const actual = await derive(password, salt, c);
    return timingSafeEqual(actual, expected);
  };
  let decoy: Promise<string> | undefined;
  const verifyNobody = async (password: string): Promise<void> => {
    decoy ??= hash(randomBytes(18).toString('base64url'));
    await verify(password, await decoy);
  };
  return { hash, verify, verifyNobody };
};

/** Cognito's special characters for the "require symbols" rule (a space counts when not at either end). */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- '.split(''));

/**
 * Cognito's default policy: at least 8 characters with upper and lower case letters, a digit and a
 * symbol, at most 256, no leading or trailing space. Returns every rule broken, so one answer says
 * all that must change (Cognito names only the first).
 */
export const passwordPolicyViolations = (password: string): string[] => {
  // Code points, not UTF-16 units: the policy counts characters as a person sees them.
  const chars = Array.from(password);
  const out: string[] = [];
  if (chars.length < 8) out.push('Password not long enough (minimum 8 characters)');
  if (chars.length > 256) out.push('Password too long (maximum 256 characters)');
  if (!/\p{Lu}/u.test(password)) out.push('Password must have uppercase characters');
  if (!/\p{Ll}/u.test(password)) out.push('Password must have lowercase characters');
  if (!/[0-9]/.test(password)) out.push('Password must have numeric characters');
  if (!chars.some((ch) => SYMBOLS.has(ch))) out.push('Password must have symbol characters');
  if (password !== password.trim()) out.push('Password must not begin or end with whitespace');
  return out;
};

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const GEN_SYMBOLS = '!#%+-=?@^_';

/**
 * A one-time password a person can type: 20 characters (≈115 bits) without look-alikes
 * (0/O, 1/l/I), with one of each required class so it always meets the policy.
 */
export const generatePassword = (length = 20): string => {
  const all = UPPER + LOWER + DIGITS + GEN_SYMBOLS;
  const pick = (set: string): string => set.charAt(randomInt(set.length));
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(GEN_SYMBOLS)];
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const a = chars[i] ?? '';
    chars[i] = chars[j] ?? '';
    chars[j] = a;
  }
  return chars.join('');
};
