import type { Clock } from './clock';

/**
 * Request rate per caller (a user or an API key). On AWS the API Gateway stage and usage plan
 * enforce these numbers; locally the gateway runs these token buckets with the same ones.
 */
export interface RateLimit {
  /** Sustained requests per second. */
  ratePerSecond: number;
  /** Requests allowed at once after a quiet spell. */
  burst: number;
}

export const defaultRateLimit: RateLimit = { ratePerSecond: 50, burst: 100 };

/** What the whole API accepts from everyone together (the API Gateway stage): a ceiling, not a per-caller limit. */
export const stageRateLimit: RateLimit = { ratePerSecond: 1000, burst: 2000 };

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Many callers, one bucket each; buckets idle long enough to be full again are forgotten. */
export const createTokenBuckets = (limit: RateLimit, clock: Clock, maxKeys = 10_000) => {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (b: { tokens: number; at: number }, now: number) => Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.ratePerSecond);

  return {
    take: (key: string): TakeResult => {
      const now = clock.now().getTime();
      const b = buckets.get(key) ?? { tokens: limit.burst, at: now };
      const tokens = refill(b, now);
      buckets.delete(key); // re-inserted below, so Map order is least recently used first
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at: now });
        if (buckets.size > maxKeys) {
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) buckets.delete(oldest);
        }
        return { allowed: true };
      }
      buckets.set(key, { tokens, at: now });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / limit.ratePerSecond)) };
    },
  };
};
