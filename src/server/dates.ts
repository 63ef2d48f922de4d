// Date coercion for attrs with checked type `date`. Instant accepts epoch milliseconds or a date string in
// a list of formats (triple.clj `parse-date-value`, mirrored client-side in core/src/utils/dates.ts). We
// accept the same families: ISO 8601 (also with single-digit parts or a short offset), date-only strings
// (y-m-d or m/d/y, read as UTC midnight), "yyyy-MM-dd HH:mm[:ss[.fff]]" read as UTC, RFC 1123, and the
// JavaScript-style "Wed Jan 15 2025". A JSON-encoded string is unwrapped once, like the server does.

/** Postgres special values accepted when *writing* (the query path rejects the relative ones). */
const RELATIVE_SPECIALS = new Set(['now', 'today', 'tomorrow', 'yesterday']);

export function isRelativeDateWord(s: string): boolean {
  return RELATIVE_SPECIALS.has(s);
}

/** Milliseconds since the epoch, or undefined when the value is not a date Instant would accept. */
export function parseDateValue(x: unknown, now: number = Date.now()): number | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? x : undefined;
  if (typeof x !== 'string') return undefined;
  return parseDateString(x) ?? parseJsonWrapped(x) ?? parseDateString(x.trim()) ?? parseSpecial(x, now);
}

function parseJsonWrapped(s: string): number | undefined {
  try {
    const inner: unknown = JSON.parse(s);
    return typeof inner === 'string' ? parseDateString(inner) : undefined;
  } catch {
    return undefined;
  }
}

function parseSpecial(s: string, now: number): number | undefined {
  const day = 86_400_000;
  const startOfDay = now - (now % day);
  switch (s) {
    case 'epoch':
      return 0;
    case 'now':
      return now;
    case 'today':
      return startOfDay;
    case 'tomorrow':
      return startOfDay + day;
    case 'yesterday':
      return startOfDay - day;
    default:
      return undefined;
  }
}

const PARSERS: ((s: string) => number | undefined)[] = [
  localDate,
  isoSingleDigits,
  isoShortOffset,
  spaceSeparatedLocal,
  usDateTime,
  jsDateOnly,
  rfc1123,
];

function parseDateString(s: string): number | undefined {
  for (const parse of PARSERS) {
    const ms = parse(s);
    if (ms !== undefined && Number.isFinite(ms)) return ms;
  }
  return undefined;
}

function valid(ms: number): number | undefined {
  return Number.isNaN(ms) ? undefined : ms;
}

/** "2025-01-15", "2025/1/5", "1/15/2025" → UTC midnight. */
function localDate(s: string): number | undefined {
  const m = /^(\d+)[./-](\d+)[./-](\d+)$/.exec(s);
  if (!m) return undefined;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (a <= 0 || b <= 0 || c <= 0) return undefined;
  const [y, mo, d] = a > 999 ? [a, b, c] : [c, a, b];
  if (mo > 12 || d > 31) return undefined;
  return Date.UTC(y, mo - 1, d);
}

/** ISO 8601 with optional single-digit month/day/time parts; no zone means UTC. */
function isoSingleDigits(s: string): number | undefined {
  const m = /^(\d{4,})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(s);
  if (!m) return undefined;
  const pad = (x: string) => x.padStart(2, '0');
  const frac = m[7] ? m[7].slice(0, 4).padEnd(4, '0') : '';
  let zone = m[8] ?? 'Z';
  if (/^[+-]\d{2}$/.test(zone)) zone += ':00';
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return valid(Date.parse(`${m[1]}-${pad(m[2])}-${pad(m[3])}T${pad(m[4])}:${pad(m[5])}:${pad(m[6] ?? '0')}${frac}${zone}`));
}

/** "2025-01-02T00:00:00-08" handled above; this covers other `T` strings Date.parse understands with a zone. */
function isoShortOffset(s: string): number | undefined {
  if (!/T/.test(s) || !/(Z|[+-]\d{2}:?\d{2})$/.test(s)) return undefined;
  return valid(Date.parse(s));
}

/** "2025-01-15 20:53:08[.123]" or "2025-01-15 20:53" → UTC. */
function spaceSeparatedLocal(s: string): number | undefined {
  const m = /^(\d{4,}-\d{1,2}-\d{1,2}) (\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(s);
  if (!m) return undefined;
  return isoSingleDigits(`${m[1]}T${m[2]}${m[3] ?? ''}`);
}

/** "8/4/2025, 11:02:31 PM" → UTC. */
function usDateTime(s: string): number | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/.exec(s);
  if (!m) return undefined;
  let hours = Number(m[4]) % 12;
  if (m[7] === 'PM') hours += 12;
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), hours, Number(m[5]), Number(m[6]));
}

/** "Wed Jan 15 2025" → UTC midnight. */
function jsDateOnly(s: string): number | undefined {
  if (!/^\w{3} \w{3} \d{2} \d{4}$/.test(s)) return undefined;
  const ms = Date.parse(`${s} 00:00:00 UTC`);
  return valid(ms);
}

/** "Sat, 05 Apr 2025 18:00:31 GMT". */
function rfc1123(s: string): number | undefined {
  if (!/^\w{3}, \d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2} (GMT|UTC|[+-]\d{4})$/.test(s)) return undefined;
  return valid(Date.parse(s));
}

/** Cheshire's default date format, used for `created_at` in user objects. */
export function formatInstantDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
