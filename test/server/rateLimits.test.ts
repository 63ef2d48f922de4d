// The `$rateLimits` limiter on an injected clock (no real time passes). Semantics from upstream
// server/src/instant/rate_limit.clj (Bucket4j bandwidths: greedy and interval refill, `parse-duration`,
// `user-key-hash` keying by app, bucket name, config and key), server/src/instant/util/exception.clj
// (`retry-after-seconds`: whole seconds, rounded up) and client/www/app/docs/rate-limits/page.md.

import { describe, expect, it } from 'vitest';
import { InstantError } from '../../src/server/errors.js';
import { parseDuration, RateLimiter } from '../../src/server/rateLimits/index.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

function clocked(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  const limiter = new RateLimiter({ now: () => now });
  return { limiter, advance: (ms: number) => (now += ms), now: () => now };
}

/** What one `limit` call gives: 'ok' or the 429 hint. */
function take(limiter: RateLimiter, config: object, tokens = 1, key: unknown = 'u1', bucket = 'b', appId = 'app'): 'ok' | Record<string, unknown> {
  try {
    limiter.consume({ appId, bucket, config: config as never, key: key as never, tokens });
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(InstantError);
    expect((e as InstantError).status).toBe(429);
    expect((e as InstantError).type).toBe('rate-limited');
    return (e as InstantError).hint as Record<string, unknown>;
  }
}

const greedy = (capacity: number, period = '1 hour', amount?: number) => ({ limits: [{ capacity, refill: { period, ...(amount ? { amount } : {}) } }] });
const interval = (capacity: number, period = '1 hour', amount?: number) => ({
  limits: [{ capacity, refill: { period, type: 'interval', ...(amount ? { amount } : {}) } }],
});

describe('rate limiter', { timeout: 60_000 }, () => {
  it('starts full and refuses once empty, with retry-at, retry-after and remaining-tokens', () => {
    const { limiter, now } = clocked();
    expect([take(limiter, greedy(2)), take(limiter, greedy(2))]).toEqual(['ok', 'ok']);
    // greedy 2 per hour: one token every 30 minutes.
    expect(take(limiter, greedy(2))).toEqual({
      'retry-at': new Date(now() + 30 * MIN).toISOString(),
      'retry-after': 1800,
      'remaining-tokens': 0,
    });
  });

  it('greedy refill trickles in: a token per period/amount', () => {
    const { limiter, advance } = clocked();
    const cfg = greedy(60); // one token a minute
    for (let i = 0; i < 60; i++) expect(take(limiter, cfg)).toBe('ok');
    advance(59_000);
    expect(take(limiter, cfg)).toMatchObject({ 'retry-after': 1 });
    advance(1000);
    expect(take(limiter, cfg)).toBe('ok');
    advance(10 * MIN);
    for (let i = 0; i < 10; i++) expect(take(limiter, cfg)).toBe('ok');
    expect(take(limiter, cfg)).not.toBe('ok');
  });

  it('interval refill adds every token at once at the end of the period', () => {
    const { limiter, advance } = clocked();
    const cfg = interval(3);
    for (let i = 0; i < 3; i++) take(limiter, cfg);
    advance(HOUR - 1000);
    expect(take(limiter, cfg)).toMatchObject({ 'retry-after': 1, 'remaining-tokens': 0 });
    advance(1000);
    expect([take(limiter, cfg), take(limiter, cfg), take(limiter, cfg)]).toEqual(['ok', 'ok', 'ok']);
    expect(take(limiter, cfg)).toMatchObject({ 'retry-after': 3600 });
  });

  it('never holds more than its capacity, however long it waits', () => {
    const { limiter, advance } = clocked();
    const cfg = interval(2, '1 minute', 5);
    take(limiter, cfg);
    advance(24 * HOUR);
    expect([take(limiter, cfg), take(limiter, cfg), take(limiter, cfg)]).toEqual(['ok', 'ok', expect.objectContaining({ 'remaining-tokens': 0 })]);
  });

  it('several limits: the burst and the sustained limit both apply', () => {
    const { limiter, advance } = clocked();
    const cfg = { limits: [{ capacity: 5, refill: { period: '1 minute', type: 'interval' } }, { capacity: 8, refill: { period: '1 day' } }] };
    for (let i = 0; i < 5; i++) expect(take(limiter, cfg)).toBe('ok');
    expect(take(limiter, cfg)).toMatchObject({ 'retry-after': 60 });
    advance(MIN);
    for (let i = 0; i < 3; i++) expect(take(limiter, cfg)).toBe('ok');
    // The burst limit has 2 left, the daily one none: the daily one decides (8 per day: one every 3 hours).
    expect(take(limiter, cfg)).toMatchObject({ 'remaining-tokens': 0, 'retry-after': 3 * 3600 - 60 });
  });

  it('limit(key, n): n tokens at once; asking for more than is left leaves them', () => {
    const { limiter } = clocked();
    const cfg = interval(5);
    expect(take(limiter, cfg, 3)).toBe('ok');
    expect(take(limiter, cfg, 3)).toMatchObject({ 'remaining-tokens': 2 });
    expect([take(limiter, cfg, 2), take(limiter, cfg, 1)]).toEqual(['ok', expect.objectContaining({ 'remaining-tokens': 0 })]);
  });

  it('more tokens than the capacity can never be had (Bucket4j: wait Long.MAX_VALUE ns)', () => {
    const { limiter } = clocked();
    expect(take(limiter, greedy(2), 3)).toMatchObject({ 'remaining-tokens': 2, 'retry-after': 9_223_372_037 });
  });

  it('buckets are per app, bucket name, key and config: a changed config starts afresh', () => {
    const { limiter } = clocked();
    take(limiter, greedy(1));
    expect(take(limiter, greedy(1))).not.toBe('ok');
    expect(take(limiter, greedy(1), 1, 'u2')).toBe('ok');
    expect(take(limiter, greedy(1), 1, 'u1', 'other')).toBe('ok');
    expect(take(limiter, greedy(1), 1, 'u1', 'b', 'app2')).toBe('ok');
    expect(take(limiter, greedy(1, '2 hours'))).toBe('ok');
    // guests (auth.id null) share one bucket.
    expect([take(limiter, greedy(1), 1, null), take(limiter, greedy(1), 1, null)]).toEqual(['ok', expect.any(Object)]);
  });

  it('forgets the least recently used bucket beyond maxBuckets', () => {
    let now = 0;
    const limiter = new RateLimiter({ now: () => now, maxBuckets: 2 });
    take(limiter, greedy(1), 1, 'a');
    take(limiter, greedy(1), 1, 'b');
    take(limiter, greedy(1), 1, 'c'); // drops a
    now += 1;
    expect(take(limiter, greedy(1), 1, 'a')).toBe('ok');
    expect(take(limiter, greedy(1), 1, 'c')).not.toBe('ok');
  });
});

describe('parseDuration (PGInterval units, years 365 days, months 30)', () => {
  it.each([
    ['1 hour', HOUR],
    ['30 minutes', 30 * MIN],
    ['1 day 2 hours', 26 * HOUR],
    ['10 seconds', 10_000],
    ['2 mins', 2 * MIN],
    ['01:30:00', 90 * MIN],
    ['1 year', 365 * 24 * HOUR],
    ['1 month', 30 * 24 * HOUR],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '1 fortnight', '5'])('refuses %j', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('rate limiter: bad token counts', () => {
  it('refuses zero or negative tokens as an error, not a free pass or a refill', () => {
    const { limiter } = clocked();
    expect(() => limiter.consume({ appId: 'a', bucket: 'b', config: greedy(1), key: 'k', tokens: 0 })).toThrow(/positive integer/);
    expect(() => limiter.consume({ appId: 'a', bucket: 'b', config: greedy(1), key: 'k', tokens: -5 })).toThrow(/positive integer/);
    expect([take(limiter, greedy(1), 1, 'k', 'b', 'a'), take(limiter, greedy(1), 1, 'k', 'b', 'a')]).toEqual(['ok', expect.any(Object)]);
  });
});
