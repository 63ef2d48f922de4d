import * as z from 'zod/mini';

/** A date as Instant accepts it: ms timestamp, parseable date string, or `Date` (sent as ISO string). */
export const dateValue = z.union([
  z.number().check(z.refine(Number.isFinite)),
  z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)))),
  z.date(),
]);

/** Any JSON value. */
export const jsonValue = z.json();
