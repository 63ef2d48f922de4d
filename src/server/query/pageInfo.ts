// Page cursors of a top-level form (datalog.clj `add-page-info`), for subscriptions' `result-meta`.
// A cursor is the page row's triple for the order attr, `[eid, attr-id, value, created-at]` (the `id`
// triple when ordering by serverCreatedAt), the shape `after` / `before` take back. Instant computes page
// info in SQL before permissions are applied, so it describes the rows the page read, visible or not.
//
// has-next-page?: false without a limit and a `before` cursor; with a limit, no `before` and not `last`,
// whether a row follows the page (overfetch by one); otherwise whether any row matching `where` (cursors
// and offset aside) comes after the page's last row.
// has-previous-page?: false without `after`, offset and `last`; with `last`, a limit and no `after`,
// whether a row precedes the page (overfetch by one); otherwise whether any matching row comes before the
// page's first row.

import { decode, type Json } from '../json.js';
import type { Cursor } from './forms.js';
import type { PageSpec, Row } from './pagination.js';
import type { QueryReader } from './reader.js';
import { topRows, type IndexAccess, type TopForm } from './topRows.js';

// A type, not an interface, so that it is assignable to Json.
export type PageInfo = {
  'start-cursor': Json;
  'end-cursor': Json;
  'has-next-page?': boolean;
  'has-previous-page?': boolean;
};

/** `rows` is the page as topRows returned it, in page order. */
export function pageInfoOf(indexes: IndexAccess | undefined, reader: QueryReader, form: TopForm & { page: PageSpec }, rows: Row[]): PageInfo {
  const { page } = form;
  const first = rows[0];
  const last = rows[rows.length - 1];
  const count = (spec: PageSpec) => topRows(indexes, reader, { ...form, page: spec }).length;
  const noCursors = { before: undefined, after: undefined, beforeInclusive: false, afterInclusive: false, offset: undefined };
  const overfetched = () => page.limit !== undefined && count({ ...page, limit: page.limit + 1 }) > page.limit;
  const anyAfter = (row: Row) => count({ ...page, ...noCursors, after: cursorOf(reader, form, row), limit: 1, last: false }) > 0;
  const anyBefore = (row: Row) => count({ ...page, ...noCursors, before: cursorOf(reader, form, row), limit: 1, last: true }) > 0;

  let hasNext: boolean;
  if (page.limit === undefined && !page.before) hasNext = false;
  else if (page.limit !== undefined && !page.before && !page.last) hasNext = overfetched();
  else hasNext = last !== undefined && anyAfter(last);

  let hasPrevious: boolean;
  if (!page.after && !page.offset && !page.last) hasPrevious = false;
  else if (page.last && page.limit !== undefined && !page.after) hasPrevious = overfetched();
  else hasPrevious = first !== undefined && anyBefore(first);

  return {
    'start-cursor': first ? (cursorOf(reader, form, first) as Json) : null,
    'end-cursor': last ? (cursorOf(reader, form, last) as Json) : null,
    'has-next-page?': hasNext,
    'has-previous-page?': hasPrevious,
  };
}

/** The row's triple for the page's order attr (pagination.ts `cursorRow` reads it back). */
function cursorOf(reader: QueryReader, form: TopForm & { page: PageSpec }, row: Row): Cursor {
  const attr = form.page.attr;
  const triple = reader.triples(row.id).find((t) => t.attr_id === attr.id);
  const value = triple ? decode(triple.value) : null;
  return [row.id, attr.id, value, triple?.created_at ?? row.createdAt];
}
