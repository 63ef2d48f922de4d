// The Postgres side of Instant's value checks (src/server/transact/jsonb.ts): every expected figure below
// was measured on PostgreSQL 15.18 with `select pg_column_size(v::jsonb), v::jsonb::text`, where `v` is
// the JSON Instant sends (Java's Double.toString for non-integers, hence "1.0E-7").
// Upstream: server/resources/migrations/01_bootstrap.up.sql (`indexed_values_are_constrained`:
// `pg_column_size(value) <= 1024`) and server/src/instant/util/exception.clj (the hint's value is read back
// from Postgres's "Failing row contains (...)" detail, 64 bytes of a column at most).

import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/server/json.js';
import { jsonbSize, jsonbText, rowDetailValue } from '../../src/server/transact/jsonb.js';

const MEASURED: [Json, number, string][] = [
  ['abc', 15, '"abc"'],
  ['', 12, '""'],
  ['é', 14, '"é"'],
  [null, 12, 'null'],
  [true, 12, 'true'],
  [0, 18, '0'],
  [1, 20, '1'],
  [-1.5, 22, '-1.5'],
  [1e-7, 20, '0.00000010'],
  [1e21, 20, '1000000000000000000000'],
  [1e300, 22, `1${'0'.repeat(300)}`],
  [12345678.5, 24, '12345678.5'],
  [10000, 20, '10000'],
  [[], 8, '[]'],
  [{}, 8, '{}'],
  [[1], 20, '[1]'],
  [['a', 1], 28, '["a", 1]'],
  [{ a: 1, bb: [1, 'x', true] }, 61, '{"a": 1, "bb": [1, "x", true]}'],
  [{ bb: { c: null }, a: 'xyz' }, 45, '{"a": "xyz", "bb": {"c": null}}'],
  [[[[]]], 24, '[[[]]]'],
  [{ é: 1, z: 2, aa: 3 }, 64, '{"z": 2, "aa": 3, "é": 1}'],
];

describe('jsonb emulation', () => {
  it.each(MEASURED)('%j: pg_column_size %i, text %s', (value, size, text) => {
    expect(jsonbSize(value)).toBe(size);
    expect(jsonbText(value)).toBe(text);
  });

  it('a string takes its UTF-8 bytes plus 12: 1012 bytes fit in 1024, 1013 do not (measured on a CHECK)', () => {
    expect(jsonbSize('a'.repeat(1012))).toBe(1024);
    expect(jsonbSize('a'.repeat(1013))).toBe(1025);
    expect(jsonbSize('é'.repeat(506))).toBe(1024);
  });

  it('the row detail shows 64 bytes, cut on a character boundary, then "..."', () => {
    // Postgres: Failing row contains (…, "aaaa…(63 a)..., …) and (…, "éé…(31 é)..., …).
    expect(rowDetailValue('a'.repeat(1000))).toEqual({ value: `"${'a'.repeat(63)}...`, truncated: true });
    expect(rowDetailValue('é'.repeat(600))).toEqual({ value: `"${'é'.repeat(31)}...`, truncated: true });
    expect(rowDetailValue({ a: [1, 2] })).toEqual({ value: { a: [1, 2] }, truncated: false });
  });
});
