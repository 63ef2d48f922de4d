// Chooses how the rows of a top-level form are read (the query plan, as far as data access goes):
//   1. a page with a limit whose where only bounds the order attr: an ordered index scan of that range,
//      which stops once the page is full;
//   2. a where clause with an index hint that allows few entities (up to the cap): those candidates, paged
//      in SQL when the hint is the whole answer (`exact`), else tested one by one;
//   3. otherwise, a page with a limit: the ordered index scan, testing each row;
//   4. otherwise, every candidate of the hint, or every entity of the namespace.
// Each row that is not proven by SQL is checked with the exact where test, so every path gives the same
// rows (test/server/planner.test.ts compares them with `useIndexes: false`).

import type { Attr } from '../storage/attrs.js';
import type { TripleStore } from '../storage/triples.js';
import type { IndexHint } from './indexHint.js';
import { decode } from '../json.js';
import { CandidateFinder } from './candidates.js';
import { scanOrdered } from './orderedScan.js';
import { orderKey, paginate, withinCursors, type PageSpec, type Row } from './pagination.js';
import type { QueryReader } from './reader.js';
import type { CompiledWhere } from './where.js';

/** Candidate sets up to this size are read whole and sorted in memory; beyond it a page scans the index. */
export const CANDIDATE_CAP = 1000;

export interface TopForm {
  etype: string;
  where?: CompiledWhere;
  page?: PageSpec;
}

export interface IndexAccess {
  store: TripleStore;
  app: number;
  /** Candidate sets up to this size are read whole (CANDIDATE_CAP). */
  cap: number;
}

export function topRows(indexes: IndexAccess | undefined, reader: QueryReader, form: TopForm): Row[] {
  const { where, page } = form;
  if (!indexes) return wholeNamespace(reader, form);
  const pageSize = page?.limit !== undefined ? (page.offset ?? 0) + page.limit : undefined;
  const scan = page && pageSize !== undefined ? () => scanPage(indexes, reader, form, page, pageSize) : undefined;
  if (!where?.index) return scan ? scan() : wholeNamespace(reader, form);
  // Conditions only on the order attr bound the scan itself: it reads just the page's rows.
  if (scan && onlyOn(where.index, page!.attr)) return scan();
  const finder = new CandidateFinder(indexes.store, indexes.app);
  const selection = finder.select(where.index, indexes.cap);
  if (!selection.fits && scan) return scan();
  if (!selection.fits || !where.exact) return testAndPage(reader, form, existing(reader, form.etype, finder.ids(selection)));
  // SQL answers the whole where clause: no entity is read until it is on the page.
  const orderAttr = page && !page.byCreatedAt ? page.attr : undefined;
  const found = finder.rows(selection, reader.attrs.idAttr(form.etype)!, orderAttr);
  if (!page) return found.map((r) => ({ id: r.id, createdAt: r.createdAt }));
  return paginate(page, found.map((r) => ({ ...r, key: orderKey(page, r, r.value === null ? null : decode(r.value)) })));
}

function onlyOn(hint: IndexHint, attr: Attr): boolean {
  if (hint.kind === 'and') return hint.parts.every((p) => onlyOn(p, attr));
  const bounding = ['range', 'prefix', 'sorted-eq'];
  return hint.kind === 'path' && hint.hops.length === 0 && hint.leaf.attr.id === attr.id && bounding.includes(hint.leaf.kind);
}

function wholeNamespace(reader: QueryReader, form: TopForm): Row[] {
  return testAndPage(reader, form, reader.entities(form.etype));
}

function testAndPage(reader: QueryReader, { where, page }: TopForm, rows: Row[]): Row[] {
  const matched = where ? rows.filter((r) => where.test(r.id)) : rows;
  return page ? paginate(page, keyed(reader, page, matched)) : matched;
}

/** The ids that are entities of the namespace, with their serverCreatedAt. */
function existing(reader: QueryReader, etype: string, ids: string[]): Row[] {
  return ids.flatMap((id) => {
    const createdAt = reader.createdAt(etype, id);
    return createdAt === undefined ? [] : [{ id, createdAt }];
  });
}

/** Rows with their order key; rows without a triple for the order attr are on no page (orderedScan.ts). */
function keyed(reader: QueryReader, page: PageSpec, rows: Row[]): Row[] {
  if (page.byCreatedAt) return rows.map((r) => ({ ...r, key: r.createdAt }));
  return rows.flatMap((r) => {
    const stored = reader.values(r.id, page.attr);
    return stored.length ? [{ ...r, key: orderKey(page, r, stored[0]) }] : [];
  });
}

/** Reads the order index in page order, keeping matching rows inside the cursors, until the page is full. */
function scanPage({ store, app }: IndexAccess, reader: QueryReader, form: TopForm, page: PageSpec, pageSize: number): Row[] {
  const collected: Row[] = [];
  const seen = new Set<string>();
  for (const scanned of scanOrdered(store, app, page, form.where?.index)) {
    if (seen.has(scanned.id)) continue;
    seen.add(scanned.id);
    const createdAt = reader.createdAt(form.etype, scanned.id);
    if (createdAt === undefined) continue;
    const row: Row = { id: scanned.id, createdAt, key: page.byCreatedAt ? createdAt : orderKey(page, { createdAt }, decode(scanned.value)) };
    const position = withinCursors(page, row);
    if (position === 'past-end') break;
    if (position === 'before-start' || (form.where && !form.where.test(row.id))) continue;
    collected.push(row);
    if (collected.length >= pageSize) break;
  }
  return paginate(page, collected);
}
