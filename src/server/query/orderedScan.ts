// Reads the rows of an ordered page straight from triples_by_attr_sort, in page order, so that a query
// with a limit stops after the page instead of sorting the namespace (datalog.clj orders in SQL too).
// Rows come from the order attr's triples: as in Instant (instaql.clj `page-info-of-form` joins on that
// attr), an entity without a triple for it is not on any page. Null values sort first ascending and last
// descending (`asc nulls first`, `desc nulls last`), ties by entity id in the same direction.
// The starting cursor and the where clause's bounds on the order attr narrow the index range; the exact
// cursor and where tests are the caller's (topRows.ts), so the range only has to include every match.

import type { TripleStore } from '../storage/triples.js';
import { sqlScalar, type Scalar } from '../storage/sortValue.js';
import type { IndexHint } from './indexHint.js';
import { successor } from './candidates.js';
import { cursorRow, type PageSpec } from './pagination.js';
import { compareTyped } from './where.js';

export interface ScannedRow {
  id: string;
  /** The order attr's stored JSON value. */
  value: string;
}

/** Inclusive bounds on non-null sort values, and whether null-valued rows can be on the page. */
interface ScanRange {
  nulls: boolean;
  nonNull: boolean;
  lo?: Scalar;
  hi?: Scalar;
}

/** Rows in the order the page reads them (`last` pages read backwards from the end). */
export function* scanOrdered(store: TripleStore, app: number, spec: PageSpec, where?: IndexHint): Generator<ScannedRow> {
  const attr = store.keys.attr(app, spec.attr.id);
  if (attr === undefined) return;
  const ascending = (spec.direction === 'asc') !== spec.last;
  const range = narrowByWhere(startRange(spec, ascending), spec, where);
  const dir = ascending ? 'ASC' : 'DESC';
  const select = 'SELECT entity_id AS id, value FROM triples INDEXED BY triples_by_attr_sort WHERE app = ? AND attr = ?';
  const nullRows = () => store.statement<unknown[], ScannedRow>(`${select} AND sort_value IS NULL ORDER BY entity_id ${dir}`).iterate(app, attr);
  const nonNullRows = () => {
    const conds = ['sort_value IS NOT NULL'];
    const params: unknown[] = [app, attr];
    for (const [op, bound] of [['>=', range.lo], ['<=', range.hi]] as const) {
      if (bound === undefined) continue;
      conds.push(`sort_value ${op} ?`);
      params.push(sqlScalar(bound));
    }
    const sql = `${select} AND ${conds.join(' AND ')} ORDER BY sort_value ${dir}, entity_id ${dir}`;
    return store.statement<unknown[], ScannedRow>(sql).iterate(...params);
  };
  if (ascending && range.nulls) yield* nullRows();
  if (range.nonNull) yield* nonNullRows();
  if (!ascending && range.nulls) yield* nullRows();
}

/** The range left by the cursor the scan starts from (`after`, or `before` for `last` pages). */
function startRange(spec: PageSpec, ascending: boolean): ScanRange {
  const start = spec.last ? spec.before : spec.after;
  if (!start) return { nulls: true, nonNull: true };
  const key = cursorRow(spec, start).key;
  // A null key sits among the nulls: first ascending (all non-null rows follow), last descending.
  if (key === undefined) return ascending ? { nulls: true, nonNull: true } : { nulls: true, nonNull: false };
  return ascending ? { nulls: false, nonNull: true, lo: key } : { nulls: true, nonNull: true, hi: key };
}

/** Conditions of the where clause on the order attr itself bound the range, and rule out nulls. */
function narrowByWhere(range: ScanRange, spec: PageSpec, where: IndexHint | undefined): ScanRange {
  const parts = where?.kind === 'and' ? where.parts : where ? [where] : [];
  let { lo, hi, nulls } = range;
  for (const part of parts) {
    if (part.kind !== 'path' || part.hops.length || part.leaf.attr.id !== spec.attr.id) continue;
    const leaf = part.leaf;
    const bounds: [Scalar | undefined, Scalar | undefined] =
      leaf.kind === 'range'
        ? leaf.op === '$gt' || leaf.op === '$gte' ? [leaf.value, undefined] : [undefined, leaf.value]
        : leaf.kind === 'prefix'
          ? [leaf.prefix, successor(leaf.prefix)]
          : leaf.kind === 'sorted-eq' && leaf.values.length
            ? [Math.min(...leaf.values), Math.max(...leaf.values)]
            : [undefined, undefined];
    if (bounds[0] === undefined && bounds[1] === undefined) continue;
    nulls = false;
    if (bounds[0] !== undefined && (lo === undefined || compareTyped(bounds[0], lo) > 0)) lo = bounds[0];
    if (bounds[1] !== undefined && (hi === undefined || compareTyped(bounds[1], hi) < 0)) hi = bounds[1];
  }
  return { ...range, lo, hi, nulls };
}
