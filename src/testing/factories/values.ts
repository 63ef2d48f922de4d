// Deterministic values for factories. Every value is a pure function of (seed, entity, n, attribute), where
// n counts the entities of that kind the factory has made: the same seed gives the same data on every run
// and machine (32-bit integer arithmetic only), whatever order a test creates other entities in.

import type { ValueType } from '../../ir/types.js';

/** FNV-1a over the UTF-16 code units: a stable 32-bit hash of the key. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, well-mixed 32-bit generator; enough for test data (not for secrets). */
export function randomStream(seed: number | string, ...key: (string | number)[]): () => number {
  let state = hash([String(seed), ...key].join('\u0000'));
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/** A version-4-shaped UUID from the stream, as Instant's ids are. */
export function uuidFrom(next: () => number): string {
  const h = hex(next()) + hex(next()) + hex(next()) + hex(next());
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const BASE_TIME = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';

const tag = (next: () => number) => Array.from({ length: 4 }, () => LETTERS[next() % LETTERS.length]).join('');

/**
 * Short, readable values: strings stay far below the 1 KB Instant allows for indexed and unique values
 * (`pg_column_size(value) <= 1024` in Instant's 01_bootstrap.up.sql). Unique ones carry `n`, so two
 * entities of one factory never share them.
 */
export function fillValue(type: ValueType, unique: boolean, attr: string, entity: string, n: number, next: () => number): unknown {
  switch (type) {
    case 'string': {
      const name = attr.slice(0, 64);
      if (/e-?mail/i.test(name)) return `${entity.replace(/[^a-z0-9]+/gi, '').toLowerCase() || 'user'}-${n}-${tag(next)}@example.com`;
      return `${name} ${n} ${tag(next)}`;
    }
    case 'number':
      // Integers, so values compare and print exactly; unique ones are n * 1000 + a draw below 1000.
      return unique ? n * 1000 + (next() % 1000) : next() % 1000;
    case 'boolean':
      return unique ? uniqueBoolean(entity, attr, n) : next() % 2 === 0;
    case 'date':
      // ISO strings in 2024 (a distinct day for each n when unique), at whole seconds.
      return new Date(BASE_TIME + (unique ? n * DAY : (next() % 366) * DAY) + (next() % 86_400) * 1000).toISOString();
    case 'json':
      return { [entity]: n, tag: tag(next) };
  }
}

function uniqueBoolean(entity: string, attr: string, n: number): boolean {
  if (n > 2) {
    throw new Error(
      `factory ${entity}: ${entity}.${attr} is a unique boolean, so only two ${entity} can exist; this is number ${n}. ` +
        `Pass ${attr} yourself, or create at most two.`,
    );
  }
  return n === 1;
}
