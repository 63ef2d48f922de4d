// How Postgres holds a value in Instant's `triples.value jsonb` column, for the checks that Postgres makes
// there: its size in bytes as `pg_column_size` measures it before compression (the
// `indexed_values_are_constrained` check, 01_bootstrap.up.sql), and its text as an error detail shows it
// ("Failing row contains (...)", which exception.clj reads back into `hint.value`).
//
// Numbers reach Postgres the way Instant's JSON library re-encodes them: integers as written, other
// numbers as Java's Double.toString (so 1e-7 becomes "1.0E-7", which numeric keeps as 0.00000010).

import type { Json, JsonObject } from '../json.js';

/** Bytes of the varlena header, a container header and a JEntry. */
const WORD = 4;
const ROW_DETAIL_MAX_BYTES = 64;

const padToWord = (n: number): number => (n + WORD - 1) & ~(WORD - 1);
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Size in bytes of the value as a freshly built jsonb datum (what `pg_column_size` sees in a CHECK). */
export function jsonbSize(value: Json): number {
  // A scalar is stored as a one-element array flagged "raw scalar".
  if (value === null || typeof value !== 'object') return appendValue(WORD + WORD + WORD, value);
  return appendValue(WORD, value);
}

/** The buffer length after `value` is written at `length` (containers and numerics are word-aligned). */
function appendValue(length: number, value: Json): number {
  if (value === null || typeof value === 'boolean') return length;
  if (typeof value === 'string') return length + bytes(value);
  if (typeof value === 'number') return padToWord(length) + numericSize(value);
  if (Array.isArray(value)) {
    let end = padToWord(length) + WORD + WORD * value.length;
    for (const item of value) end = appendValue(end, item);
    return end;
  }
  const keys = sortedKeys(value);
  let end = padToWord(length) + WORD + 2 * WORD * keys.length;
  for (const key of keys) end += bytes(key);
  for (const key of keys) end = appendValue(end, value[key]);
  return end;
}

/** jsonb keeps object keys ordered by byte length, then bytes. */
function sortedKeys(obj: JsonObject): string[] {
  return Object.keys(obj)
    .map((key) => ({ key, raw: Buffer.from(key, 'utf8') }))
    .sort((a, b) => a.raw.length - b.raw.length || Buffer.compare(a.raw, b.raw))
    .map((k) => k.key);
}

interface Decimal {
  negative: boolean;
  /** Significant digits, no leading or trailing zeros ("" for zero). */
  digits: string;
  /** Power of ten of the first digit. */
  exponent: number;
  /** Digits after the decimal point that numeric keeps (its display scale). */
  scale: number;
}

function toDecimal(n: number): Decimal {
  const [mantissa, exp] = Math.abs(n).toExponential().split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '');
  const exponent = Number(exp);
  if (digits === '') return { negative: false, digits: '', exponent: 0, scale: 0 };
  const fraction = digits.length - 1;
  let scale: number;
  if (Number.isInteger(n) && Math.abs(n) < 1e21) scale = 0; // sent as an integer
  else {
    // Java's Double.toString uses "d.dddE±x" outside [1e-3, 1e7), with at least one digit after the point.
    const scientific = Math.abs(n) < 1e-3 || Math.abs(n) >= 1e7;
    scale = Math.max(0, (scientific ? Math.max(1, fraction) : fraction) - exponent);
  }
  return { negative: n < 0, digits, exponent, scale };
}

/** A numeric datum: varlena header, a 2-byte header (4 in the long form), 2 bytes per base-10000 digit. */
function numericSize(n: number): number {
  const d = toDecimal(n);
  if (d.digits === '') return WORD + 2;
  const weight = Math.floor(d.exponent / 4);
  const last = Math.floor((d.exponent - d.digits.length + 1) / 4);
  const short = d.scale <= 63 && weight >= -64 && weight <= 63;
  return WORD + (short ? 2 : 4) + 2 * (weight - last + 1);
}

/** numeric_out: plain decimal notation with `scale` digits after the point. */
function numericText(n: number): string {
  const d = toDecimal(n);
  if (d.digits === '') return '0';
  const point = d.exponent + 1;
  let int: string;
  let frac: string;
  if (point <= 0) [int, frac] = ['0', '0'.repeat(-point) + d.digits];
  else if (point >= d.digits.length) [int, frac] = [d.digits + '0'.repeat(point - d.digits.length), ''];
  else [int, frac] = [d.digits.slice(0, point), d.digits.slice(point)];
  frac = frac.padEnd(d.scale, '0');
  return `${d.negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** jsonb_out: `", "` and `": "` separators, keys in jsonb order. */
export function jsonbText(value: Json): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return numericText(value);
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  return `{${sortedKeys(value)
    .map((k) => `${JSON.stringify(k)}: ${jsonbText(value[k])}`)
    .join(', ')}}`;
}

/**
 * The value as Instant's `hint.value` reports it after a check violation: Postgres shows at most 64 bytes
 * of a column (cut on a character boundary, then "..."), and Instant parses that text back as JSON, giving
 * the raw text when it no longer parses (exception.clj `translate-and-throw-psql-exception!`).
 */
export function rowDetailValue(value: Json): { value: Json; truncated: boolean } {
  const text = jsonbText(value);
  if (bytes(text) <= ROW_DETAIL_MAX_BYTES) return { value, truncated: false };
  let used = 0;
  let clipped = '';
  for (const ch of text) {
    used += bytes(ch);
    if (used > ROW_DETAIL_MAX_BYTES) break;
    clipped += ch;
  }
  return { value: `${clipped}...`, truncated: true };
}
