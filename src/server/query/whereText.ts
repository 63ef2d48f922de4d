// A where value as Postgres compares it (datalog.clj): equality, `$in`, `$not` and `$gt`… cast the value
// to jsonb (`value->jsonb`), where U+0000 fails with the null-bytes error; `$like`/`$ilike` pass it as a
// text parameter, which Postgres refuses as 22021 (the 500 `sql-exception`). Lone surrogates reach it
// as `?` (transact/loneSurrogates.ts). Checked after the value's type, as the SQL runs after validation.

import { nullCharsError, textParameterError } from '../transact/nullChars.js';
import { replaceLoneSurrogates } from '../transact/loneSurrogates.js';
import type { Scalar } from '../storage/sortValue.js';
import type { WhereOp } from './forms.js';

/** One literal of a where operator, checked and as stored. */
export function comparedLiteral<T extends Scalar | null>(op: WhereOp['op'], value: T): T {
  if (typeof value !== 'string') return value;
  if (value.includes('\u0000')) throw op === '$like' || op === '$ilike' ? textParameterError() : nullCharsError();
  return replaceLoneSurrogates(value) as T;
}

/** `eq`, `in` and `not` with their literals checked and as stored. */
export function comparedWhere<W extends Extract<WhereOp, { op: 'eq' | 'in' | 'not' }>>(where: W): W {
  if (where.op === 'in') return { ...where, values: where.values.map((v) => comparedLiteral(where.op, v)) };
  return { ...where, value: comparedLiteral(where.op, where.value) };
}
