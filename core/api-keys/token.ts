import { createHash, timingSafeEqual } from 'node:crypto';
import type { RandomBytes } from '../ids';

/**
 * An API key as the integration holds it: `opsc_<keyId>_<secret>`, the secret being 256 random bits
 * in base64url. Only the SHA-256 of the secret is stored: with that much entropy a slow hash adds
 * nothing, and the lookup by key id needs no scan.
 */
const TOKEN = /^opsc_(key_[0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;

export const newApiKeySecret = (random: RandomBytes): string => Buffer.from(random(32)).toString('base64url');

export const formatApiKey = (keyId: string, secret: string): string => `opsc_${keyId}_${secret}`;

export const parseApiKey = (token: string): { keyId: string; secret: string } | undefined => {
  const m = TOKEN.exec(token);
  return m?.[1] !== undefined && m[2] !== undefined ? { keyId: m[1], secret: m[2] } : undefined;
};

export const hashApiKeySecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const secretMatches = (secret: string, storedHash: string): boolean => {
  const a = Buffer.from(hashApiKeySecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
};
