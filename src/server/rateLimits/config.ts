// `$rateLimits` bucket configs (rate_limit.clj `rules-rate-limit-config->bucket-config`): each bucket has a
// non-empty `limits` array; each limit a positive integer `capacity` and an optional `refill` whose
// `amount` defaults to the capacity, `period` to "1 hour" (a Postgres interval, more than 0 and at most a
// day) and `type` to "greedy". Errors carry Instant's messages; rules.ts adds the `in` path.

import type { Json } from '../json.js';

export interface Limit {
  capacity: number;
  amount: number;
  periodMs: number;
  type: 'greedy' | 'interval';
}

/** A config Instant refuses, with its message. */
export class RateLimitConfigError extends Error {}

const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const posInt = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

/** `ex/get-param!`: a missing (nil or false) value and one the coercer refuses have different messages. */
function param<T>(obj: unknown, path: string[], coerce: (v: unknown) => T | undefined): T {
  let v: unknown = obj;
  for (const k of path) v = isObj(v) ? v[k] : undefined;
  const shown = `[${path.map((k) => JSON.stringify(k)).join(' ')}]`;
  if (v === undefined || v === null || v === false) throw new RateLimitConfigError(`Missing parameter: ${shown}`);
  const coerced = coerce(v);
  if (coerced === undefined) throw new RateLimitConfigError(`Malformed parameter: ${shown}`);
  return coerced;
}

// PGInterval's units, matched by prefix as its parser does (no weeks); years are 365 days, months 30.
const UNIT_MS: [string, number][] = [
  ['year', 365 * 86_400_000],
  ['mon', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['min', 60_000],
  ['sec', 1000],
];

/** rate_limit.clj `parse-duration`: "30 minutes", "1 day 2 hours", "01:30:00"; undefined when unreadable. */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const tokens = text.trim().replace(/^@\s*/, '').split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return undefined;
  let ms = 0;
  for (let i = 0; i < tokens.length; i++) {
    const clock = /^(-?\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$/.exec(tokens[i]);
    if (clock) {
      ms += Number(clock[1]) * 3_600_000 + Number(clock[2]) * 60_000 + Number(clock[3] ?? 0) * 1000;
      continue;
    }
    const n = Number(tokens[i]);
    const unit = tokens[i + 1]?.toLowerCase();
    const scale = unit === undefined ? undefined : UNIT_MS.find(([prefix]) => unit.startsWith(prefix))?.[1];
    if (!Number.isFinite(n) || scale === undefined) return undefined;
    ms += n * scale;
    i++;
  }
  return ms;
}

function parseLimit(config: unknown): Limit {
  const capacity = param(config, ['capacity'], posInt);
  if (isObj(config) && config.refill !== undefined && config.refill !== null && !isObj(config.refill)) {
    throw new RateLimitConfigError('Unexpected error parsing $rateLimits config');
  }
  const withDefaults = { ...(config as object), refill: { period: '1 hour', type: 'greedy', amount: capacity, ...((config as { refill?: object }).refill ?? {}) } };
  const amount = param(withDefaults, ['refill', 'amount'], posInt);
  const type = param(withDefaults, ['refill', 'type'], (v) => (v === 'greedy' || v === 'interval' ? v : undefined));
  // Duration.toMillis truncates: a period under a millisecond is refused as too short.
  const periodMs = Math.trunc(param(withDefaults, ['refill', 'period'], parseDuration));
  if (!(periodMs > 0)) throw new RateLimitConfigError('Validation failed for rules: The refill period must be longer than a second.');
  // Duration.toHours truncates: "24 hours 30 minutes" still passes.
  if (Math.trunc(periodMs / 3_600_000) > 24) throw new RateLimitConfigError("Validation failed for rules: The refill period can't be longer than a day.");
  return { capacity, amount, periodMs, type };
}

/** One bucket's limits, or a RateLimitConfigError with Instant's message. */
export function parseBucketConfig(config: unknown): Limit[] {
  const limits = param(config, ['limits'], (v) => v);
  if (!Array.isArray(limits) || limits.length === 0) {
    throw new RateLimitConfigError('Validation failed for rules: The rate limit config must have at least one limit in the `limits` array.');
  }
  return limits.map(parseLimit);
}
