// Compiles `where` conditions against the attrs of a namespace into a predicate over entity ids.
//
// Semantics (semantics.md §2.3): dotted paths are existential (some chain of links reaches a matching
// value). `$not` and `$isNull: true` also match when the value is null or missing, or when any link on
// the path is missing. Unknown attrs anywhere make the whole namespace return [] (MissingAttr), while
// type mismatches against checked attrs and non-uuid link values are validation errors, with Instant's
// messages (attr_pat.clj).

import { comparedLiteral, comparedWhere } from './whereText.js';
import { validationError } from '../errors.js';
import { friendlyName, type Attr, type AttrIndex } from '../storage/attrs.js';
import { typedValue, type Scalar } from '../storage/sortValue.js';
import { coerceUuid, encode, jsonEqual, jsonType, toJson, type Json } from '../json.js';
import { isRelativeDateWord, parseDateValue } from '../dates.js';
import type { Cond, WhereOp } from './forms.js';
import { isExactLeaf, type IndexHint, type LeafHint } from './indexHint.js';
import type { QueryReader } from './reader.js';

/** Raised when a where clause names an attr or link that does not exist: the namespace yields []. */
export class MissingAttr extends Error {}

export type Predicate = (eid: string) => boolean;

/** Longest link path (in hops) that becomes SQL; longer ones are only tested (existsPath). */
const MAX_INDEXED_HOPS = 16;

/**
 * A where clause compiled twice: `test` decides exactly, with Instant's semantics, whether an entity
 * matches; `index`, when present, finds through an index a superset of the entities that can match
 * (indexHint.ts), so that `test` only runs on those.
 */
export interface CompiledWhere {
  test: Predicate;
  index?: IndexHint;
  /** The index hint selects exactly the entities `test` accepts (so `test` need not run on them). */
  exact: boolean;
}

export interface WhereContext {
  attrs: AttrIndex;
  reader: QueryReader;
  /** The query, echoed in validation errors. */
  root: unknown;
  /** `in` path of the form, e.g. ["users"]. */
  in: string[];
  /** Permissions: whether an entity a path goes through may be seen (absent for admins). */
  visible?: (etype: string, eid: string) => boolean;
}

export interface Hop {
  attr: Attr;
  forward: boolean;
  target: string;
}

/** Resolves a link label on a namespace, forward label first (`->ref-attr-pat`). */
export function resolveLink(attrs: AttrIndex, etype: string, label: string): Hop | undefined {
  const fwd = attrs.fwd(etype, label);
  const rev = attrs.rev(etype, label);
  const attr = fwd ?? rev;
  if (!attr) return undefined;
  if (attr.valueType !== 'ref') {
    throw validationError('attr', attr, [{ message: `${etype}.${label} needs to be a link` }]);
  }
  return fwd ? { attr, forward: true, target: attr.revEtype! } : { attr, forward: false, target: attr.etype };
}

/** All conditions must hold: any one of them that an index can answer narrows the candidates. */
export function compileWhere(ctx: WhereContext, etype: string, conds: Cond[]): CompiledWhere {
  const parts = conds.map((c) => compileCond(ctx, etype, c));
  const hints = parts.flatMap((p) => (p.index ? [p.index] : []));
  return {
    test: (eid) => parts.every((p) => p.test(eid)),
    index: hints.length ? { kind: 'and', parts: hints } : undefined,
    // The SQL of a conjunction is its most selective part alone.
    exact: parts.length === 1 && parts[0].exact,
  };
}

function compileCond(ctx: WhereContext, etype: string, cond: Cond): CompiledWhere {
  if (cond.kind === 'and') return compileWhere(ctx, etype, cond.conds);
  if (cond.kind === 'or') {
    const parts = cond.conds.map((c) => compileCond(ctx, etype, c));
    // A union is only a superset when every branch has one.
    const indexable = parts.every((p) => p.index);
    return {
      test: (eid) => parts.some((p) => p.test(eid)),
      index: indexable ? { kind: 'or', parts: parts.map((p) => p.index!) } : undefined,
      exact: indexable && parts.every((p) => p.exact),
    };
  }
  return compilePath(ctx, etype, cond.path, cond.where);
}

function compilePath(ctx: WhereContext, etype: string, path: string[], where: WhereOp): CompiledWhere {
  const hops: Hop[] = [];
  let current = etype;
  for (const label of path.slice(0, -1)) {
    const hop = resolveLink(ctx.attrs, current, label);
    if (!hop) throw new MissingAttr();
    hops.push(hop);
    current = hop.target;
  }
  const label = path[path.length - 1];
  if (where.op === 'isNull' && !ctx.attrs.idAttr(current)) throw new MissingAttr();
  const fwd = ctx.attrs.fwd(current, label);
  const rev = ctx.attrs.rev(current, label);
  const attr = fwd ?? rev;
  if (!attr) throw new MissingAttr();
  const leaf =
    attr.valueType === 'ref'
      ? linkLeaf(ctx, label, { attr, forward: attr === fwd, target: '' }, where)
      : valueLeaf(ctx, label, attr, where);
  // `$not` and `$isNull: true` also hold when a link on the way is missing.
  const matchesWhenMissing = where.op === 'not' || (where.op === 'isNull' && where.value);
  // Each hop nests a subquery; SQLite parses a bounded depth, and long paths are rare and tested linearly.
  const index = leaf.index && hops.length <= MAX_INDEXED_HOPS ? leaf.index : undefined;
  return {
    test: (eid) => existsPath(ctx, eid, hops, leaf.test, matchesWhenMissing),
    index: index && { kind: 'path', hops, leaf: index },
    // Permissions hide linked entities from a path; SQL does not know them.
    exact: index !== undefined && isExactLeaf(index) && (hops.length === 0 || !ctx.visible),
  };
}

/** A leaf's exact test, and the index hint for the entities holding a matching value (absent: none). */
interface Leaf {
  test: (eid: string) => boolean;
  index?: LeafHint;
}

/**
 * Some chain of links reaches a matching leaf (or, with `matchesWhenMissing`, stops at a missing link);
 * entities the requester may not see are not on any chain. Walked hop by hop over the set of entities
 * reached, so that a long path through links that fan out and meet again stays linear (a depth-first
 * walk of every chain is exponential in the path length) and needs no recursion.
 */
function existsPath(ctx: WhereContext, eid: string, hops: Hop[], leaf: (eid: string) => boolean, matchesWhenMissing: boolean): boolean {
  let reached = [eid];
  for (const hop of hops) {
    const next = new Set<string>();
    for (const id of reached) {
      let linked = ctx.reader.linked(id, hop.attr, hop.forward);
      if (ctx.visible) linked = linked.filter((x) => ctx.visible!(hop.target, x));
      if (linked.length === 0 && matchesWhenMissing) return true;
      for (const x of linked) next.add(x);
    }
    if (next.size === 0) return false;
    reached = [...next];
  }
  return reached.some(leaf);
}

// ---- links as the last segment: values are the linked ids ----

function linkLeaf(ctx: WhereContext, label: string, hop: Hop, where: WhereOp): Leaf {
  const ids = (eid: string) => ctx.reader.linked(eid, hop.attr, hop.forward);
  const errIn = [...ctx.in, '$', 'where', label];
  const asUuid = (v: unknown, shown: unknown): string => {
    const id = coerceUuid(v);
    if (id) return id;
    throw validationError('query', ctx.root, [
      { expected: 'uuid?', in: errIn, message: `Expected ${label} to be a uuid, got ${toJson(shown)}` },
    ]);
  };
  switch (where.op) {
    case 'eq': {
      const id = asUuid(where.value, where.value);
      return { test: (eid) => ids(eid).includes(id), index: { kind: 'link', attr: hop.attr, forward: hop.forward, ids: [id] } };
    }
    case 'in': {
      const wanted = where.values.map((v) => {
        const id = coerceUuid(v);
        if (id) return id;
        throw validationError('query', ctx.root, [
          {
            expected: 'uuid?',
            in: errIn,
            message: `Expected ${label} to match on a uuid, found ${toJson(v)} in ${toJson(where.values)}`,
          },
        ]);
      });
      const wantedSet = new Set(wanted);
      return {
        test: (eid) => ids(eid).some((id) => wantedSet.has(id)),
        index: { kind: 'link', attr: hop.attr, forward: hop.forward, ids: [...wantedSet] },
      };
    }
    case 'not': {
      const id = asUuid(where.value, { $not: where.value });
      return {
        test: (eid) => {
          const linked = ids(eid);
          return linked.length === 0 || linked.some((x) => x !== id);
        },
      };
    }
    case 'isNull':
      return { test: where.value ? (eid) => ids(eid).length === 0 : (eid) => ids(eid).length > 0 };
    default:
      // Comparison operators on a link: the operator map is not a uuid.
      asUuid(undefined, { [where.op]: where.value });
      return { test: () => false };
  }
}

// ---- data attrs as the last segment ----

type Coerce = (v: Json) => Json | number;

function valueLeaf(ctx: WhereContext, label: string, attr: Attr, input: WhereOp): Leaf {
  const values = (eid: string) => ctx.reader.values(eid, attr);
  const errIn = [...ctx.in, '$', 'where', label];
  if (input.op === 'isNull') {
    return input.value
      ? { test: (eid) => values(eid).every((v) => v === null) }
      : { test: (eid) => values(eid).some((v) => v !== null), index: { kind: 'not-null', attr } };
  }
  if (input.op !== 'eq' && input.op !== 'in' && input.op !== 'not') {
    return comparisonLeaf(ctx, errIn, attr, input, values);
  }
  const matches = equalityMatcher(ctx, errIn, attr, input);
  const where = comparedWhere(input);
  const byInstant = matches !== jsonEqual;
  switch (where.op) {
    case 'eq':
      return {
        test: (eid) => values(eid).some((v) => matches(v, where.value)),
        index: byInstant
          ? { kind: 'sorted-eq', attr, values: [coerceTyped(ctx, errIn, attr, where.value) as number] }
          : { kind: 'value-eq', attr, json: [encode(where.value)] },
      };
    case 'in': {
      if (where.values.includes(null) && !attr.indexed) throwNilInNotIndexed(ctx, attr);
      const wanted = where.values;
      // `null` in the list also matches entities without the attr, which no index lists.
      const hasNull = wanted.includes(null);
      if (!byInstant) {
        // Plain JSON equality against scalars: a set keeps huge `$in` lists linear.
        const wantedSet = new Set<Json>(wanted);
        return {
          test: (eid) => {
            const vs = values(eid);
            if (vs.length === 0) return wantedSet.has(null);
            return vs.some((v) => (v === null || typeof v !== 'object') && wantedSet.has(v));
          },
          index: hasNull ? undefined : { kind: 'value-eq', attr, json: [...new Set(wanted.map((w) => encode(w)))] },
        };
      }
      // Indexed dates compare instants (equalityMatcher): each literal is coerced once, into a set.
      const instants = new Set(wanted.filter((w) => w !== null).map((w) => coerceTyped(ctx, errIn, attr, w) as number));
      return {
        test: (eid) => {
          const vs = values(eid);
          if (vs.length === 0) return hasNull;
          return vs.some((v) => (v === null ? hasNull : instants.has(parseDateValue(v) as number)));
        },
        index: hasNull ? undefined : { kind: 'sorted-eq', attr, values: [...instants] },
      };
    }
    case 'not':
      return {
        test: (eid) => {
          const vs = values(eid);
          return vs.length === 0 || vs.some((v) => v === null || !matches(v, where.value));
        },
      };
  }
}

function throwNilInNotIndexed(ctx: WhereContext, attr: Attr): never {
  throw validationError('query', ctx.root, [
    {
      'expected?': 'indexed?',
      in: [...ctx.in, '$', 'where', '$in'],
      message: `Only indexed attrs can check for \`nil\` in \`$in\`. ${attr.etype}.${attr.label} is not indexed.`,
    },
  ]);
}

/**
 * Equality for eq/$in/$not. Checked attrs reject literals of the wrong type; indexed date attrs compare
 * instants (an ISO string matches stored ms), everything else compares JSON exactly.
 */
function equalityMatcher(
  ctx: WhereContext,
  errIn: string[],
  attr: Attr,
  where: Extract<WhereOp, { op: 'eq' | 'in' | 'not' }>,
): (stored: Json, literal: Json) => boolean {
  const type = attr.checkedType;
  if (!type) return jsonEqual;
  const literals = where.op === 'in' ? where.values : [where.value];
  const coerce: Coerce = (v) => coerceTyped(ctx, errIn, attr, v);
  for (const lit of literals) coerce(lit);
  if (!(attr.indexed && type === 'date')) return jsonEqual;
  return (stored, literal) => {
    const a = parseDateValue(stored);
    return a !== undefined && a === coerce(literal);
  };
}

/** `coerce-value-data-value!`. */
function coerceTyped(ctx: WhereContext, errIn: string[], attr: Attr, v: Json): Json | number {
  if (v === null) return null;
  const type = attr.checkedType!;
  if (type === 'date') {
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && !isRelativeDateWord(v)) {
      const ms = parseDateValue(v);
      if (ms !== undefined) return ms;
    }
    if (typeof v === 'string') throwDateMismatch(ctx, errIn, attr, v, 'date-string?');
    throwTypeMismatch(ctx, errIn, attr, v);
  }
  if (jsonType(v) !== type) throwTypeMismatch(ctx, errIn, attr, v);
  return v;
}

function throwTypeMismatch(ctx: WhereContext, errIn: string[], attr: Attr, v: unknown): never {
  throw validationError('query', ctx.root, [
    {
      'expected?': `${attr.checkedType}?`,
      in: errIn,
      message: `The data type of \`${friendlyName(attr)}\` is \`${attr.checkedType}\`, but the query got the value \`${toJson(v)}\` of type \`${jsonType(v)}\`.`,
    },
  ]);
}

function throwDateMismatch(ctx: WhereContext, errIn: string[], attr: Attr, v: unknown, expected: string): never {
  throw validationError('query', ctx.root, [
    {
      'expected?': expected,
      in: errIn,
      message: `The data type of \`${friendlyName(attr)}\` is \`date\`, but the query got value \`${toJson(v)}\` of type \`${jsonType(v)}\`.`,
    },
  ]);
}

// ---- comparison operators ----

function comparisonLeaf(
  ctx: WhereContext,
  errIn: string[],
  attr: Attr,
  where: Extract<WhereOp, { op: '$gt' | '$gte' | '$lt' | '$lte' | '$like' | '$ilike' }>,
  values: (eid: string) => Json[],
): Leaf {
  const type = assertComparable(ctx, errIn, attr);
  const opIn = [...errIn, where.op];
  if ((where.op === '$like' || where.op === '$ilike') && typeof where.value !== 'string') {
    throw validationError('query', ctx.root, [
      {
        'expected?': 'string?',
        in: opIn,
        message: `The $like value for \`${friendlyName(attr)}\` must be a string, but the query got the value \`${toJson(where.value)}\` of type \`${jsonType(where.value)}\`.`,
      },
    ]);
  }
  const target = comparedLiteral(where.op, comparisonValue(ctx, opIn, attr, type, where.value));
  if (where.op === '$like' || where.op === '$ilike') {
    const caseInsensitive = where.op === '$ilike';
    const re = likeToRegExp(String(target), caseInsensitive);
    const prefix = likePrefix(String(target), caseInsensitive);
    return {
      test: (eid) => values(eid).some((v) => typeof v === 'string' && re.test(v)),
      index: prefix && type === 'string' ? { kind: 'prefix', attr, prefix } : undefined,
    };
  }
  const compare = COMPARATORS[where.op];
  return {
    test: (eid) =>
      values(eid).some((v) => {
        const x = typedValue(type, v);
        return x !== undefined && compare(compareTyped(x, target), 0);
      }),
    index: { kind: 'range', attr, op: where.op, value: target },
  };
}

const COMPARATORS: Record<'$gt' | '$gte' | '$lt' | '$lte', (a: number, b: number) => boolean> = {
  $gt: (a, b) => a > b,
  $gte: (a, b) => a >= b,
  $lt: (a, b) => a < b,
  $lte: (a, b) => a <= b,
};

/** `assert-checked-attr-data-type!`: comparisons need an indexed attr with an enforced type. */
function assertComparable(ctx: WhereContext, errIn: string[], attr: Attr): string {
  const fail = (expected: string, message: string): never => {
    throw validationError('query', ctx.root, [{ 'expected?': expected, in: errIn, message }]);
  };
  if (!attr.indexed) {
    fail('indexed?', `The \`${friendlyName(attr)}\` attribute must be indexed to use comparison operators.`);
  }
  if (!attr.checkedType) {
    fail(
      'checked-data-type?',
      `The \`${friendlyName(attr)}\` attribute must have an enforced type to use comparison operators.`,
    );
  }
  return attr.checkedType!;
}

/** `coerced-type-comparison-value!`. */
function comparisonValue(ctx: WhereContext, opIn: string[], attr: Attr, type: string, v: Json): string | number | boolean {
  if (type === 'date') {
    const ms = typeof v === 'number' || typeof v === 'string' ? parseDateValue(v) : undefined;
    if (ms !== undefined) return ms;
    if (typeof v === 'string') throwDateMismatch(ctx, opIn, attr, v, 'date-string?');
    throwDateMismatch(ctx, opIn, attr, v, 'timestamp?');
  }
  if (jsonType(v) !== type) throwTypeMismatch(ctx, opIn, attr, v);
  return v as string | number | boolean;
}

/**
 * Total order on comparable scalars: booleans false < true, numbers, and strings by code point (the order
 * of UTF-8 bytes, which is how SQLite's index and Postgres' C collation compare them).
 */
export function compareTyped(a: Scalar, b: Scalar): number {
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareCodePoints(String(a), String(b));
}

const SURROGATE = /[\uD800-\uDFFF]/;

function compareCodePoints(x: string, y: string): number {
  // UTF-16 order only differs from code point order when a surrogate pair is involved.
  if (!SURROGATE.test(x) && !SURROGATE.test(y)) return x < y ? -1 : x > y ? 1 : 0;
  const xs = [...x].map((c) => c.codePointAt(0)!);
  const ys = [...y].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) if (xs[i] !== ys[i]) return xs[i] - ys[i];
  return xs.length - ys.length;
}

/**
 * The literal text before the first wildcard of a LIKE pattern, when every match starts with it: a range
 * of the index. For `$ilike` only a prefix without letters that have case qualifies.
 */
function likePrefix(pattern: string, caseInsensitive: boolean): string | undefined {
  let prefix = '';
  for (const t of likeTokens(pattern)) {
    if (typeof t === 'string') break;
    prefix += t.literal;
  }
  if (caseInsensitive && prefix.toLowerCase() !== prefix.toUpperCase()) return undefined;
  return prefix || undefined;
}

/** SQL LIKE: `%` any run, `_` one character, backslash escapes (Postgres' default escape). */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const parts = likeTokens(pattern).map((t) => (t === '%' ? '[\\s\\S]*' : t === '_' ? '[\\s\\S]' : escapeRe(t.literal)));
  return new RegExp(`^${parts.join('')}$`, caseInsensitive ? 'iu' : 'u');
}

/** A LIKE pattern read once: `%`, `_`, and literal characters (a backslash makes the next one literal). */
function likeTokens(pattern: string): ('%' | '_' | { literal: string })[] {
  const tokens: ('%' | '_' | { literal: string })[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) tokens.push({ literal: pattern[++i] });
    else if (c === '%' || c === '_') tokens.push(c);
    else tokens.push({ literal: c });
  }
  return tokens;
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
