// Turns an index hint (indexHint.ts) into SQL over the triple indexes, and picks among the parts of a
// conjunction the one that yields the fewest rows. Each SQL text selects one column, `e`: ids of entities
// that may match. The exact test still runs on every one of them (where.ts), so SQL only has to be a
// superset; it is what makes the cost of a selective query independent of the size of its namespace.

import type { Attr } from '../storage/attrs.js';
import { sqlScalar } from '../storage/sortValue.js';
import type { TripleStore } from '../storage/triples.js';
import type { IndexHint, LeafHint } from './indexHint.js';
import type { Hop } from './where.js';

interface IdSql {
  sql: string;
  params: unknown[];
}

export interface CandidateRow {
  id: string;
  createdAt: number;
  /** The order attr's stored JSON (null without an order attr). */
  value: string | null;
}

const NOTHING: IdSql = { sql: 'SELECT NULL AS e WHERE 0', params: [] };

const BY_VALUE = 'triples INDEXED BY triples_by_attr_value';
const BY_SORT = 'triples INDEXED BY triples_by_attr_sort';

/** The SQL for a hint, and whether it selects at most the cap of rows. */
export interface Selection {
  q: IdSql;
  fits: boolean;
}

export class CandidateFinder {
  constructor(
    private readonly store: TripleStore,
    private readonly app: number,
  ) {}

  /** The hint as SQL, counted up to `cap + 1` rows: a bounded amount of index work. */
  select(hint: IndexHint, cap: number): Selection {
    const q = this.toSql(hint, cap);
    const known = rowBound(hint);
    return { q, fits: (known !== undefined && known <= cap) || this.count(q, cap) <= cap };
  }

  /** The distinct ids the selection allows. */
  ids({ q }: Selection): string[] {
    const sql = `SELECT DISTINCT e FROM (${q.sql}) WHERE e IS NOT NULL`;
    return this.store.statement<unknown[], string>(sql).pluck().all(...q.params) as string[];
  }

  /**
   * For an exact hint: the matching entities of the namespace (those with its `id` triple) with their
   * serverCreatedAt and, when given an order attr, its stored value (entities without one are left out,
   * as no page shows them), all in one statement.
   */
  rows({ q }: Selection, idAttr: Attr, orderAttr?: Attr): CandidateRow[] {
    const idKey = this.key(idAttr);
    const orderKey = orderAttr && this.key(orderAttr);
    if (idKey === undefined || (orderAttr && orderKey === undefined)) return [];
    const join = (alias: string) => `JOIN triples ${alias} ON ${alias}.app = ? AND ${alias}.entity_id = c.e AND ${alias}.attr = ?`;
    const sql = `SELECT c.e AS id, i.created_at AS createdAt, ${orderAttr ? 'o.value' : 'NULL'} AS value
      FROM (SELECT DISTINCT e FROM (${q.sql})) c ${join('i')} ${orderAttr ? join('o') : ''}`;
    const params = [...q.params, this.app, idKey, ...(orderAttr ? [this.app, orderKey] : [])];
    return this.store.statement<unknown[], CandidateRow>(sql).all(...params);
  }

  /** Rows the SQL yields, counted up to `cap + 1`. */
  private count(q: IdSql, cap: number): number {
    const sql = `SELECT count(*) FROM (${q.sql} LIMIT ?)`;
    return this.store.statement<unknown[], number>(sql).pluck().get(...q.params, cap + 1) as number;
  }

  private toSql(hint: IndexHint, cap: number): IdSql {
    switch (hint.kind) {
      case 'path':
        return hint.hops.reduceRight((inner, hop) => this.hop(hop, inner), this.leaf(hint.leaf));
      case 'or': {
        const parts = hint.parts.map((p) => this.toSql(p, cap));
        return { sql: parts.map((p) => p.sql).join(' UNION '), params: parts.flatMap((p) => p.params) };
      }
      case 'and': {
        // A part the schema bounds (equality on a unique attr) needs no counting.
        const bounded = hint.parts.filter((p) => rowBound(p) !== undefined).sort((a, b) => rowBound(a)! - rowBound(b)!);
        if (bounded.length) return this.toSql(bounded[0], cap);
        return this.mostSelective(hint.parts.map((p) => this.toSql(p, cap)), cap);
      }
    }
  }

  /** The part with the fewest rows (counting stops at the cap, so this costs at most cap steps a part). */
  private mostSelective(parts: IdSql[], cap: number): IdSql {
    if (parts.length === 1) return parts[0];
    let best = parts[0];
    let bestCount = Infinity;
    for (const part of parts) {
      const n = this.count(part, cap);
      if (n < bestCount) [best, bestCount] = [part, n];
      if (n === 0) break;
    }
    return best;
  }

  /** Entities from which `hop` leads to one of the ids `inner` selects. */
  private hop(hop: Hop, inner: IdSql): IdSql {
    const attr = this.key(hop.attr);
    if (attr === undefined) return NOTHING;
    // Forward: this side holds the link triple (source, attr, "target"); reverse: the target holds it.
    const sql = hop.forward
      ? `SELECT entity_id AS e FROM ${BY_VALUE} WHERE app = ? AND attr = ? AND value IN (SELECT json_quote(e) FROM (${inner.sql}))`
      : `SELECT value ->> '$' AS e FROM triples WHERE app = ? AND attr = ? AND entity_id IN (SELECT e FROM (${inner.sql}))`;
    return { sql, params: [this.app, attr, ...inner.params] };
  }

  private leaf(leaf: LeafHint): IdSql {
    const attr = this.key(leaf.attr);
    if (attr === undefined) return NOTHING;
    const at = [this.app, attr];
    switch (leaf.kind) {
      case 'value-eq':
        return { sql: `SELECT entity_id AS e FROM ${BY_VALUE} WHERE app = ? AND attr = ? AND ${oneOf('value', leaf.json)}`, params: [...at, ...listParam(leaf.json)] };
      case 'sorted-eq':
        return { sql: `SELECT entity_id AS e FROM ${BY_SORT} WHERE app = ? AND attr = ? AND ${oneOf('sort_value', leaf.values)}`, params: [...at, ...listParam(leaf.values)] };
      case 'range':
        return {
          sql: `SELECT entity_id AS e FROM ${BY_SORT} WHERE app = ? AND attr = ? AND sort_value ${SQL_OPS[leaf.op]} ?`,
          params: [...at, sqlScalar(leaf.value)],
        };
      case 'prefix':
        return prefixSql(at, leaf.prefix);
      case 'link': {
        const quoted = leaf.ids.map((id) => JSON.stringify(id));
        return {
          sql: leaf.forward
            ? `SELECT entity_id AS e FROM ${BY_VALUE} WHERE app = ? AND attr = ? AND ${oneOf('value', quoted)}`
            : `SELECT value ->> '$' AS e FROM triples WHERE app = ? AND attr = ? AND ${oneOf('entity_id', leaf.ids)}`,
          params: [...at, ...listParam(leaf.forward ? quoted : leaf.ids)],
        };
      }
      case 'not-null':
        return { sql: `SELECT entity_id AS e FROM ${BY_VALUE} WHERE app = ? AND attr = ? AND value != 'null'`, params: at };
    }
  }

  private key(attr: Attr): number | undefined {
    return this.store.keys.attr(this.app, attr.id);
  }
}

/** An upper bound on the rows a hint selects when the schema gives one (equality on a unique attr). */
function rowBound(hint: IndexHint): number | undefined {
  switch (hint.kind) {
    case 'path':
      return hint.hops.length === 0 && hint.leaf.kind === 'value-eq' && hint.leaf.attr.unique ? hint.leaf.json.length : undefined;
    case 'or': {
      const bounds = hint.parts.map(rowBound);
      return bounds.every((b) => b !== undefined) ? bounds.reduce((a, b) => a! + b!, 0) : undefined;
    }
    case 'and': {
      const bounds = hint.parts.map(rowBound).filter((b) => b !== undefined);
      return bounds.length ? Math.min(...bounds) : undefined;
    }
  }
}

/** `column = ?` for one value (the common case, cheapest to plan), else a lookup per element of a JSON list. */
function oneOf(column: string, values: unknown[]): string {
  return values.length === 1 ? `${column} = ?` : `${column} IN (SELECT value FROM json_each(?))`;
}

function listParam(values: unknown[]): unknown[] {
  return values.length === 1 ? values : [JSON.stringify(values)];
}

const SQL_OPS = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const;

/** Strings starting with `prefix` are the range [prefix, prefix with its last code point incremented). */
function prefixSql(at: unknown[], prefix: string): IdSql {
  const upper = successor(prefix);
  const lower = `SELECT entity_id AS e FROM ${BY_SORT} WHERE app = ? AND attr = ? AND sort_value >= ?`;
  return upper === undefined
    ? { sql: `${lower} AND typeof(sort_value) = 'text'`, params: [...at, prefix] }
    : { sql: `${lower} AND sort_value < ?`, params: [...at, prefix, upper] };
}

/** The smallest string greater than every string that starts with `s`, by code point; none for U+10FFFF runs. */
export function successor(s: string): string | undefined {
  const points = [...s].map((c) => c.codePointAt(0)!);
  while (points.length && points[points.length - 1] === 0x10ffff) points.pop();
  if (!points.length) return undefined;
  points[points.length - 1]++;
  // Skip the surrogate range, which no well-formed string contains.
  if (points[points.length - 1] === 0xd800) points[points.length - 1] = 0xe000;
  return String.fromCodePoint(...points);
}
