// Rate limits from the rules' `$rateLimits` (rate_limit.clj, db/cel.clj `RateLimitBucket`): a rule's
// `rateLimit.<bucket>.limit(key[, tokens])` takes tokens from the bucket of (app, bucket name, bucket
// config, key), made on first use. The config is part of the key, as in Instant's `user-key-hash`, so a
// changed config starts fresh buckets while unchanged ones keep their state across rule reloads. An empty
// bucket is a 429 `rate-limited` error whose hint says when to retry (`ex/throw-permission-rate-limited!`).
// The clock is injectable so tests can move time.

import type { Json } from '../json.js';
import { InstantError } from '../errors.js';
import { TokenBucket } from './bucket.js';
import { parseBucketConfig, RateLimitConfigError } from './config.js';

export { parseBucketConfig, parseDuration, RateLimitConfigError, type Limit } from './config.js';

export interface ConsumeRequest {
  appId: string;
  bucket: string;
  /** The bucket's entry in `$rateLimits`, as written. */
  config: Json;
  key: Json;
  tokens?: number;
}

export interface RateLimiterOptions {
  /** Milliseconds since the epoch; Date.now by default. */
  now?: () => number;
  /** Buckets kept (least recently used dropped first, like Instant's evicting map). */
  maxBuckets?: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly now: () => number;
  private readonly maxBuckets: number;

  constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxBuckets = options.maxBuckets ?? 500_000;
  }

  /** Takes the tokens, or throws 429 `rate-limited` with `retry-at`, `retry-after` (s) and `remaining-tokens`. */
  consume(req: ConsumeRequest): true {
    const tokens = req.tokens ?? 1;
    // Bucket4j refuses to consume nothing or less; in a rule that is an evaluation error, not a free pass.
    if (!Number.isSafeInteger(tokens) || tokens <= 0) throw new Error(`limit: tokens must be a positive integer, got ${tokens}`);
    const now = this.now();
    const probe = this.bucket(req, now).tryConsume(tokens, now);
    if (probe.consumed) return true;
    throw rateLimited(now, probe.waitMs, probe.remaining);
  }

  private bucket(req: ConsumeRequest, now: number): TokenBucket {
    const id = JSON.stringify([req.appId, req.bucket, req.config, req.key]);
    let bucket = this.buckets.get(id);
    if (bucket) {
      this.buckets.delete(id);
    } else {
      bucket = new TokenBucket(parseBucketConfig(req.config), now);
      if (this.buckets.size >= this.maxBuckets) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(id, bucket);
    return bucket;
  }
}

// Bucket4j reports "never" (more tokens than a capacity) as Long.MAX_VALUE nanoseconds.
const NEVER_MS = 9_223_372_036_854;

function rateLimited(now: number, waitMs: number, remaining: number): InstantError {
  const wait = Number.isFinite(waitMs) ? waitMs : NEVER_MS;
  return new InstantError('rate-limited', 'Your request exceeded the rate limit.', {
    'retry-at': new Date(now + wait).toISOString(),
    'retry-after': Math.max(0, Math.ceil(wait / 1000)),
    'remaining-tokens': remaining,
  });
}

/** `rule/rate-limit-validation-errors`: one message per bad bucket config, with its path. */
export function rateLimitConfigIssues(rateLimits: Json | undefined): { message: string; in: string[] }[] {
  if (rateLimits === undefined || rateLimits === null) return [];
  if (typeof rateLimits !== 'object' || Array.isArray(rateLimits)) return [{ message: '$rateLimits must be an object', in: ['$rateLimits'] }];
  const issues: { message: string; in: string[] }[] = [];
  for (const [name, config] of Object.entries(rateLimits)) {
    try {
      parseBucketConfig(config);
    } catch (e) {
      const message = e instanceof RateLimitConfigError ? e.message : 'Unexpected error parsing $rateLimits config';
      issues.push({ message, in: ['$rateLimits', name] });
    }
  }
  return issues;
}
