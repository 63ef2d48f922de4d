// Resource limits of the local server, so that one hostile or careless request can neither crash it nor
// hold it (it is single-threaded: a request that runs for a minute blocks every other one for a minute).
// HTTP-level enforcement (body size, JSON depth, timeouts on slow clients) is in http/limits.ts; the query
// time limit is enforced by the query reader through a Deadline.

import { InstantError } from './errors.js';

export interface ServerLimits {
  /**
   * Largest request body accepted, in bytes; a larger one is refused with 413 before it is parsed.
   * Default 10 MiB.
   */
  maxBodyBytes: number;
  /**
   * Deepest nesting of arrays and objects accepted in a JSON body (a clear 400 beyond, instead of a stack
   * overflow somewhere later). Default 1000, the default of Jackson, which parses bodies for Instant.
   */
  maxJsonDepth: number;
  /**
   * Time for a client to send a whole request (headers and body); a slower one gets 408 and is
   * disconnected (slow-loris protection). Default 30 s.
   */
  requestTimeoutMs: number;
  /** Time for a client to send the request headers. Default 10 s (at most `requestTimeoutMs`). */
  headersTimeoutMs: number;
  /**
   * Time a query may take to evaluate; beyond it Instant's 429 `timeout` ("The query took too long to
   * complete.") is returned. Guards against queries whose result grows exponentially with their depth
   * (links back and forth) or long where paths. Default 5 s.
   */
  queryTimeoutMs: number;
  /** Open live queries (`subscribeQuery`) per app; one more is refused with 429 `rate-limited`. Default 1000. */
  maxSubscriptionsPerApp: number;
  /** Open live queries on the whole server. Default 10,000. */
  maxSubscriptions: number;
  /**
   * Bytes a live query's connection may have waiting to be sent: a client that reads slower than its results
   * change is disconnected (its SDK reconnects and starts from a fresh result) instead of making the server
   * hold every update for it. Default 8 MiB.
   */
  maxSubscriptionBufferBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxBodyBytes: 10 * 1024 * 1024,
  maxJsonDepth: 1000,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  queryTimeoutMs: 5_000,
  maxSubscriptionsPerApp: 1_000,
  maxSubscriptions: 10_000,
  maxSubscriptionBufferBytes: 8 * 1024 * 1024,
});

/** Defaults for what is not given; every value must be a positive integer. */
export function resolveLimits(given: Partial<ServerLimits> = {}): ServerLimits {
  const limits: ServerLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ServerLimits)[]) {
    const value = given[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`limits.${key} must be a positive integer, got ${String(value)}`);
    limits[key] = value;
  }
  if (given.headersTimeoutMs === undefined) limits.headersTimeoutMs = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error('limits.headersTimeoutMs must not be larger than limits.requestTimeoutMs');
  }
  return limits;
}

/** Instant's query timeout (429). */
export function queryTimedOut(timeoutMs: number): InstantError {
  return new InstantError('timeout', 'The query took too long to complete.', { 'timeout-ms': timeoutMs });
}

/**
 * A point in time after which the work in progress is abandoned. `check()` is cheap enough to call on every
 * read: the clock is only looked at every 256 calls.
 */
export class Deadline {
  private calls = 0;

  constructor(
    private readonly at: number,
    private readonly timeoutMs: number,
  ) {}

  static after(timeoutMs: number, now: number = Date.now()): Deadline {
    return new Deadline(now + timeoutMs, timeoutMs);
  }

  check(): void {
    if ((++this.calls & 255) === 0 && Date.now() > this.at) throw queryTimedOut(this.timeoutMs);
  }
}
