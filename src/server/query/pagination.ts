// Top-level ordering and pagination (instaql.clj `page-info-of-form`, datalog.clj `add-page-info`).
// Rows are ordered by the order value with nulls first (asc) / last (desc), ties by entity id in the same
// direction; cursors are exclusive unless `*Inclusive`; `last` takes the rows nearest the end.

import { validationError, type ValidationEntry } from '../errors.js';
import { friendlyName, type Attr, type AttrIndex } from '../storage/attrs.js';
import { compareUuids } from '../json.js';
import { parseDateValue } from '../dates.js';
import type { Cursor, Direction, Form } from './forms.js';
import { typedValue } from '../storage/sortValue.js';
import { compareTyped } from './where.js';

export interface PageSpec {
  /** The namespace's `id` attr when ordering by serverCreatedAt. */
  attr: Attr;
  byCreatedAt: boolean;
  direction: Direction;
  limit?: number;
  last: boolean;
  offset?: number;
  before?: Cursor;
  after?: Cursor;
  beforeInclusive: boolean;
  afterInclusive: boolean;
}

export interface Row {
  id: string;
  createdAt: number;
  /** Comparable order value; undefined sorts like null. */
  key?: string | number | boolean;
}

/** Validates the top-level ordering options; undefined when the form does not paginate. */
export function planPage(attrs: AttrIndex, root: unknown, form: Form, etype: string): PageSpec | undefined {
  const o = form.options;
  const paginates =
    o.limit !== undefined ||
    o.first !== undefined ||
    o.last !== undefined ||
    o.offset !== undefined ||
    o.before !== undefined ||
    o.after !== undefined ||
    o.order !== undefined;
  if (form.level !== 0 || !paginates) return undefined;
  const { k, direction } = o.order ?? { k: 'serverCreatedAt', direction: 'asc' as const };
  const byCreatedAt = k === 'serverCreatedAt';
  const errIn = [...form.in, '$', 'order'];
  const attr = byCreatedAt ? attrs.idAttr(etype) : attrs.fwd(etype, k);
  if (!attr) {
    throw validationError('query', root, [
      {
        expected: 'supported-order?',
        in: errIn,
        message: `There is no \`${byCreatedAt ? 'id' : k}\` attribute for ${etype}.`,
      },
    ]);
  }
  if (!byCreatedAt) checkOrderable(root, errIn, attr);
  checkCursor(attrs, root, form, attr, 'before', o.before);
  checkCursor(attrs, root, form, attr, 'after', o.after);
  return {
    attr,
    byCreatedAt,
    direction,
    limit: o.limit ?? o.first ?? o.last,
    last: o.last !== undefined,
    offset: o.offset,
    before: o.before,
    after: o.after,
    beforeInclusive: o.beforeInclusive === true,
    afterInclusive: o.afterInclusive === true,
  };
}

function checkOrderable(root: unknown, errIn: string[], attr: Attr): void {
  const name = friendlyName(attr);
  const messages = [
    !attr.indexed &&
      `The \`${name}\` attribute is not indexed. Only indexed and typed attributes can be used to order by.`,
    !attr.checkedType &&
      `The \`${name}\` attribute is not typed. Only typed and indexed attributes can be used to order by.`,
    attr.cardinality !== 'one' &&
      `The \`${name}\` attribute has cardinality \`${attr.cardinality}\`. Only attributes with cardinality \`one\` can be used to order by.`,
  ].filter((m): m is string => typeof m === 'string');
  if (messages.length) {
    const errors: ValidationEntry[] = messages.map((message) => ({ expected: 'supported-order?', in: errIn, message }));
    throw validationError('query', root, errors);
  }
}

function checkCursor(
  attrs: AttrIndex,
  root: unknown,
  form: Form,
  orderAttr: Attr,
  which: 'before' | 'after',
  cursor: Cursor | undefined,
): void {
  if (!cursor || cursor[1] === orderAttr.id) return;
  const label = (a: Attr) => (a.label === 'id' ? 'serverCreatedAt' : a.label);
  const cursorAttr = attrs.get(String(cursor[1]));
  const detail = cursorAttr
    ? `The query orders by \`${label(orderAttr)}\`, but the query that returned the cursor orders by \`${label(cursorAttr)}\`.`
    : `The query orders by \`${label(orderAttr)}\`, but the query that returned the cursor orders by a missing attribute.`;
  throw validationError('query', root, [
    { expected: 'valid-cursor?', in: [...form.in, '$', which], message: `Invalid ${which} cursor. ${detail}` },
  ]);
}

/** The comparable order value of a stored value for this page's attr. */
export function orderKey(spec: PageSpec, row: { createdAt: number }, stored: unknown): Row['key'] {
  if (spec.byCreatedAt) return row.createdAt;
  return typedValue(spec.attr.checkedType!, stored);
}

/** Ascending comparison with nulls first and entity id as the tie-breaker. */
function compareRows(a: { key?: Row['key']; id: string }, b: { key?: Row['key']; id: string }): number {
  if (a.key === undefined && b.key !== undefined) return -1;
  if (a.key !== undefined && b.key === undefined) return 1;
  if (a.key !== undefined && b.key !== undefined) {
    const c = compareTyped(a.key, b.key);
    if (c !== 0) return c;
  }
  return compareUuids(a.id, b.id);
}

export function cursorRow(spec: PageSpec, cursor: Cursor): { key?: Row['key']; id: string } {
  const id = String(cursor[0]);
  if (spec.byCreatedAt) return { id, key: typeof cursor[3] === 'number' ? cursor[3] : undefined };
  const raw = cursor[2];
  const key = spec.attr.checkedType === 'date' ? parseDateValue(raw) : typedValue(spec.attr.checkedType!, raw);
  return { id, key };
}

/** Whether the row comes after the `after` cursor in page order (or sits on it, when inclusive). */
function isAfter(spec: PageSpec, row: Row): boolean {
  if (!spec.after) return true;
  const cmp = sign(spec) * compareRows(row, cursorRow(spec, spec.after));
  return cmp > 0 || (cmp === 0 && spec.afterInclusive);
}

/** Whether the row comes before the `before` cursor in page order (or sits on it, when inclusive). */
function isBefore(spec: PageSpec, row: Row): boolean {
  if (!spec.before) return true;
  const cmp = sign(spec) * compareRows(row, cursorRow(spec, spec.before));
  return cmp < 0 || (cmp === 0 && spec.beforeInclusive);
}

function sign(spec: PageSpec): number {
  return spec.direction === 'asc' ? 1 : -1;
}

/**
 * Where a row stands for a scan in the order a page is read (`last` pages from the end): not yet at the
 * starting cursor, inside, or past the other cursor (and so is every row after it).
 */
export function withinCursors(spec: PageSpec, row: Row): 'before-start' | 'inside' | 'past-end' {
  const [start, end] = spec.last ? [isBefore(spec, row), isAfter(spec, row)] : [isAfter(spec, row), isBefore(spec, row)];
  if (!start) return 'before-start';
  return end ? 'inside' : 'past-end';
}

/** Applies order, cursors, offset and limit to the rows that matched `where`. */
export function paginate(spec: PageSpec, rows: Row[]): Row[] {
  let out = [...rows].sort((a, b) => sign(spec) * compareRows(a, b)).filter((r) => isAfter(spec, r) && isBefore(spec, r));
  if (spec.last) out.reverse();
  const start = spec.offset ?? 0;
  out = out.slice(start, spec.limit !== undefined ? start + spec.limit : undefined);
  return spec.last ? out.reverse() : out;
}
