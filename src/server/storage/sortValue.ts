// The typed value an index can order and compare (the `sort_value` column; Instant's functional indexes
// `triples_extract_{string,number,boolean,date}_value` over `ave` triples of checked attributes).

import { parseDateValue } from '../dates.js';
import { jsonType } from '../json.js';
import type { Attr } from './attrs.js';

export type Scalar = string | number | boolean;

/** The comparable form of a stored value for a checked type (dates as ms); undefined for null or another type. */
export function typedValue(type: string, v: unknown): Scalar | undefined {
  if (v === null || v === undefined) return undefined;
  if (type === 'date') return parseDateValue(v);
  return jsonType(v) === type ? (v as Scalar) : undefined;
}

/** What SQLite stores for a typed value: booleans as 0/1, which order like false < true. */
export function sqlScalar(v: Scalar): string | number {
  return typeof v === 'boolean' ? Number(v) : v;
}

/**
 * `sort_value` of a triple: the serverCreatedAt of an `id` triple, the typed value of an indexed attr
 * with a checked type, and null for everything else (including null values and values of another type).
 */
export function sortValue(attr: Pick<Attr, 'label' | 'indexed' | 'checkedType'>, value: unknown, createdAt: number): string | number | null {
  if (attr.label === 'id') return createdAt;
  if (!attr.indexed || !attr.checkedType) return null;
  const typed = typedValue(attr.checkedType, value);
  return typed === undefined ? null : sqlScalar(typed);
}

/** Whether an attr's triples need new sort values after it changed from `a` to `b`. */
export function sortsDifferently(a: Attr, b: Attr): boolean {
  return a.indexed !== b.indexed || a.checkedType !== b.checkedType;
}
