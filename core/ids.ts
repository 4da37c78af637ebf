import type { Clock } from './clock';

/**
 * Sortable ids: 10 characters of millisecond time and 16 of randomness in Crockford base32
 * (the ULID layout), behind a short type prefix so an id says what it names: `prj_01JD…`.
 * Lexical order is creation order, which the store uses for "newest first" without a GSI sort key.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type RandomBytes = (size: number) => Uint8Array;

export interface IdGenerator {
  next(prefix: IdPrefix): string;
}

export const idPrefixes = ['prj', 'usr', 'req', 'evt', 'ses', 'key', 'crd', 'tgt', 'job', 'run', 'sch', 'trg', 'nch', 'nrl'] as const;
export type IdPrefix = (typeof idPrefixes)[number];

const encodeTime = (ms: number): string => {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET.charAt(t % 32) + out;
    t = Math.floor(t / 32);
  }
  return out;
};

const encodeRandom = (bytes: Uint8Array): string => {
  // 16 characters × 5 bits = 80 bits = 10 bytes
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
};

export const createIdGenerator = (clock: Clock, random: RandomBytes): IdGenerator => ({
  next: (prefix) => `${prefix}_${encodeTime(clock.now().getTime())}${encodeRandom(random(10))}`,
});

export const idPattern = (prefix: IdPrefix): RegExp => new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`);
