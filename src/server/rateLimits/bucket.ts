// A token bucket with one or more limits (Bucket4j's `Bucket` with its `Bandwidth`s, as rate_limit.clj
// builds them): every limit starts full; greedy limits refill continuously (amount per period, spread
// evenly), interval limits add `amount` at once each time a whole period has passed since the bucket was
// made; a limit never holds more than its capacity. Consuming needs enough tokens in every limit.

import type { Limit } from './config.js';

export interface Probe {
  consumed: boolean;
  /** Whole tokens left (the fullest limit can't help: the emptiest one decides). */
  remaining: number;
  /** Milliseconds until the tokens asked for are available (0 when consumed; Infinity when above a capacity). */
  waitMs: number;
}

// Tokens are kept in exact integer units of 1/periodMs token, so greedy refill (amount per period, counted
// in whole milliseconds) never rounds: a bucket's wait times come out to the millisecond.
interface State {
  limit: Limit;
  units: number;
  refilledAt: number;
}

export class TokenBucket {
  private readonly states: State[];

  constructor(limits: readonly Limit[], now: number) {
    this.states = limits.map((limit) => ({ limit, units: limit.capacity * limit.periodMs, refilledAt: now }));
  }

  /** Bucket4j `tryConsumeAndReturnRemaining`. */
  tryConsume(tokens: number, now: number): Probe {
    for (const s of this.states) refill(s, now);
    if (this.states.every((s) => s.units >= tokens * s.limit.periodMs)) {
      for (const s of this.states) s.units -= tokens * s.limit.periodMs;
      return { consumed: true, remaining: this.available(), waitMs: 0 };
    }
    const waitMs = Math.max(...this.states.map((s) => waitFor(s, tokens, now)));
    return { consumed: false, remaining: this.available(), waitMs };
  }

  private available(): number {
    return Math.max(0, Math.min(...this.states.map((s) => Math.floor(s.units / s.limit.periodMs))));
  }
}

function refill(s: State, now: number): void {
  const elapsed = now - s.refilledAt;
  if (elapsed <= 0) return;
  const { capacity, amount, periodMs, type } = s.limit;
  if (type === 'greedy') {
    s.units = Math.min(capacity * periodMs, s.units + elapsed * amount);
    s.refilledAt = now;
    return;
  }
  const periods = Math.floor(elapsed / periodMs);
  if (periods === 0) return;
  s.units = Math.min(capacity * periodMs, s.units + periods * amount * periodMs);
  s.refilledAt += periods * periodMs;
}

function waitFor(s: State, tokens: number, now: number): number {
  const { capacity, amount, periodMs, type } = s.limit;
  if (tokens > capacity) return Infinity;
  const deficit = tokens * periodMs - s.units;
  if (deficit <= 0) return 0;
  if (type === 'greedy') return Math.ceil(deficit / amount);
  return s.refilledAt + Math.ceil(deficit / (amount * periodMs)) * periodMs - now;
}
