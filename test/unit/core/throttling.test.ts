import { fixedClock } from '../../../core/clock';
import { createTokenBuckets } from '../../../core/throttling';

describe('token buckets', () => {
  it('allows a burst, then refuses with the seconds to wait', () => {
    const clock = fixedClock('2026-11-25T10:00:00Z');
    const buckets = createTokenBuckets({ ratePerSecond: 1, burst: 3 }, clock);

    const results = [1, 2, 3, 4].map(() => buckets.take('user:a'));

    expect(results.slice(0, 3).every((r) => r.allowed)).toBe(true);
    expect(results[3]).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('refills at the sustained rate', () => {
    const clock = fixedClock('2026-11-25T10:00:00Z');
    const buckets = createTokenBuckets({ ratePerSecond: 2, burst: 2 }, clock);
    buckets.take('k');
    buckets.take('k');
    expect(buckets.take('k').allowed).toBe(false);

    clock.advance(500);

    expect(buckets.take('k').allowed).toBe(true);
    expect(buckets.take('k').allowed).toBe(false);
  });

  it('keeps callers apart', () => {
    const buckets = createTokenBuckets({ ratePerSecond: 1, burst: 1 }, fixedClock('2026-11-25T10:00:00Z'));

    expect(buckets.take('user:a').allowed).toBe(true);
    expect(buckets.take('user:a').allowed).toBe(false);
    expect(buckets.take('key:b').allowed).toBe(true);
  });

  it('forgets the least recently used caller beyond its capacity (a full bucket again)', () => {
    const buckets = createTokenBuckets({ ratePerSecond: 0.001, burst: 1 }, fixedClock('2026-11-25T10:00:00Z'), 2);
    buckets.take('a');
    buckets.take('b');
    buckets.take('c');

    expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('c').allowed).toBe(false);
  });
});
