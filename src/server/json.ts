// Small helpers over parsed JSON values, mirroring how Instant's Clojure code sees them.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(x: unknown): x is string {
  return typeof x === 'string' && UUID_RE.test(x);
}

/** `uuid-util/coerce`: a canonical (lower-case) uuid string, or undefined. */
export function coerceUuid(x: unknown): string | undefined {
  return isUuid(x) ? x.toLowerCase() : undefined;
}

/**
 * `obj[key] = value` for a key that comes from a user (entity, attribute and link names, keys of stored
 * JSON): `__proto__` becomes an ordinary own key, as it is in JSON, instead of replacing the prototype.
 */
export function setKey(obj: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** `obj[key]` for a key that comes from a user: only own keys count (never `__proto__` or `toString`). */
export function getKey(obj: JsonObject, key: string): Json | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

export function isObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** `json/json-type-of-clj`. */
export function jsonType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** `->json` as used inside messages. */
export function toJson(v: unknown): string {
  return v === undefined ? 'null' : JSON.stringify(v);
}

/** Values are stored as JSON text; this is the one canonical encoding used for storage and comparisons. */
export function encode(v: unknown): string {
  return JSON.stringify(v === undefined ? null : v);
}

export function decode(text: string): Json {
  return JSON.parse(text) as Json;
}

/** Structural equality of JSON values (key order of objects ignored, as jsonb does). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (typeof a === 'object') {
    if (Array.isArray(b)) return false;
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => jsonEqual((a as JsonObject)[k], (b as JsonObject)[k]));
  }
  return false;
}

/** `where-value-valid?` in instaql.clj: what may appear as a literal in a where clause. */
export function isWhereLiteral(x: unknown): x is string | number | boolean {
  return typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
}

/** Compares uuids the way Postgres orders the uuid type (byte-wise, i.e. lower-case hex order). */
export function compareUuids(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
