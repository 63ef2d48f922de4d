/** A date as Instant accepts it: ms timestamp, parseable date string, or `Date` (sent as ISO string). */
export const DATE_EXPECTED = 'a date: a ms timestamp, a parseable date string, or a Date';

export function isDateValue(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return !Number.isNaN(Date.parse(value));
  return value instanceof Date && !Number.isNaN(value.getTime());
}
