import * as z from 'zod/mini';

/** A date as Instant accepts it: ms timestamp, parseable date string, or `Date` (sent as ISO string). */
const DATE = 'a date: a ms timestamp, a parseable date string, or a Date';
export const dateValue = z.union([
  z.number().check(z.refine(Number.isFinite, { error: DATE })),
  z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), { error: DATE })),
  z.date(),
]);
