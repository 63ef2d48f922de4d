// What an index can say about a where clause: a description of a *superset* of the entities that match,
// reachable through triples_by_attr_value, triples_by_attr_sort or the primary key (storage/db.ts).
// where.ts builds hints next to its exact predicates; candidates.ts turns them into SQL. Conditions that
// can also match entities an index does not list (`$not`, `$isNull: true`, `null` in `$in`) have none.

import type { Attr } from '../storage/attrs.js';
import type { Scalar } from '../storage/sortValue.js';
import type { Hop } from './where.js';

export type LeafHint =
  /** Stored JSON text equal to one of `json` (canonical encodings). */
  | { kind: 'value-eq'; attr: Attr; json: string[] }
  /** Indexed dates: the instant (ms) equal to one of `values`. */
  | { kind: 'sorted-eq'; attr: Attr; values: number[] }
  | { kind: 'range'; attr: Attr; op: '$gt' | '$gte' | '$lt' | '$lte'; value: Scalar }
  /** A string attr whose value starts with `prefix` (`$like 'prefix%'`). */
  | { kind: 'prefix'; attr: Attr; prefix: string }
  /** Linked (through `attr`, in that direction) to one of `ids`. */
  | { kind: 'link'; attr: Attr; forward: boolean; ids: string[] }
  | { kind: 'not-null'; attr: Attr };

export type IndexHint =
  /** Every part holds: the most selective part is enough. */
  | { kind: 'and'; parts: IndexHint[] }
  /** Some part holds: the union of the parts. */
  | { kind: 'or'; parts: IndexHint[] }
  /** Entities from which `hops` lead to an entity that satisfies `leaf`. */
  | { kind: 'path'; hops: Hop[]; leaf: LeafHint };

/**
 * Whether the leaf's SQL finds exactly the entities its test accepts. Dates are not: a stored relative
 * date word ("now") is read at query time by the test but was indexed at write time; prefixes only bound
 * a LIKE pattern.
 */
export function isExactLeaf(leaf: LeafHint): boolean {
  switch (leaf.kind) {
    case 'value-eq':
    case 'link':
    case 'not-null':
      return true;
    case 'range':
      return leaf.attr.checkedType !== 'date';
    case 'sorted-eq':
    case 'prefix':
      return false;
  }
}
