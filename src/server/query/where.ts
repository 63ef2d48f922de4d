// Compiles `where` conditions against the attrs of a namespace into a predicate over entity ids.
//
// Semantics (semantics.md §2.3): dotted paths are existential (some chain of links reaches a matching
// value). `$not` and `$isNull: true` also match when the value is null or missing, or when any link on
// the path is missing. Unknown attrs anywhere make the whole namespace return [] (MissingAttr), while
// type mismatches against checked attrs and non-uuid link values are validation errors, with Instant's
// messages (attr_pat.clj).

import { validationError } from '../errors.js';
import { friendlyName, type Attr, type AttrIndex } from '../storage/attrs.js';
import { coerceUuid, jsonEqual, jsonType, toJson, type Json } from '../json.js';
import { isRelativeDateWord, parseDateValue } from '../dates.js';
import type { Cond, WhereOp } from './forms.js';
import type { QueryReader } from './reader.js';

/** Raised when a where clause names an attr or link that does not exist: the namespace yields []. */
export class MissingAttr extends Error {}

export type Predicate = (eid: string) => boolean;

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

export function compileWhere(ctx: WhereContext, etype: string, conds: Cond[]): Predicate {
  const preds = conds.map((c) => compileCond(ctx, etype, c));
  return (eid) => preds.every((p) => p(eid));
}

function compileCond(ctx: WhereContext, etype: string, cond: Cond): Predicate {
  if (cond.kind === 'and') return compileWhere(ctx, etype, cond.conds);
  if (cond.kind === 'or') {
    const preds = cond.conds.map((c) => compileCond(ctx, etype, c));
    return (eid) => preds.some((p) => p(eid));
  }
  return compilePath(ctx, etype, cond.path, cond.where);
}

function compilePath(ctx: WhereContext, etype: string, path: string[], where: WhereOp): Predicate {
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
  return (eid) => existsPath(ctx, eid, hops, leaf, matchesWhenMissing);
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

function linkLeaf(ctx: WhereContext, label: string, hop: Hop, where: WhereOp): (eid: string) => boolean {
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
      return (eid) => ids(eid).includes(id);
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
      return (eid) => ids(eid).some((id) => wantedSet.has(id));
    }
    case 'not': {
      const id = asUuid(where.value, { $not: where.value });
      return (eid) => {
        const linked = ids(eid);
        return linked.length === 0 || linked.some((x) => x !== id);
      };
    }
    case 'isNull':
      return where.value ? (eid) => ids(eid).length === 0 : (eid) => ids(eid).length > 0;
    default:
      // Comparison operators on a link: the operator map is not a uuid.
      asUuid(undefined, { [where.op]: where.value });
      return () => false;
  }
}

// ---- data attrs as the last segment ----

type Coerce = (v: Json) => Json | number;

function valueLeaf(ctx: WhereContext, label: string, attr: Attr, where: WhereOp): (eid: string) => boolean {
  const values = (eid: string) => ctx.reader.values(eid, attr);
  const errIn = [...ctx.in, '$', 'where', label];
  if (where.op === 'isNull') {
    return where.value
      ? (eid) => values(eid).every((v) => v === null)
      : (eid) => values(eid).some((v) => v !== null);
  }
  if (where.op !== 'eq' && where.op !== 'in' && where.op !== 'not') {
    return comparisonLeaf(ctx, errIn, attr, where, values);
  }
  const matches = equalityMatcher(ctx, errIn, attr, where);
  switch (where.op) {
    case 'eq':
      return (eid) => values(eid).some((v) => matches(v, where.value));
    case 'in': {
      if (where.values.includes(null) && !attr.indexed) throwNilInNotIndexed(ctx, attr);
      const wanted = where.values;
      if (matches === jsonEqual) {
        // Plain JSON equality against scalars: a set keeps huge `$in` lists linear.
        const wantedSet = new Set<Json>(wanted);
        return (eid) => {
          const vs = values(eid);
          if (vs.length === 0) return wantedSet.has(null);
          return vs.some((v) => (v === null || typeof v !== 'object') && wantedSet.has(v));
        };
      }
      // Indexed dates compare instants (equalityMatcher): each literal is coerced once, into a set.
      const instants = new Set(wanted.filter((w) => w !== null).map((w) => coerceTyped(ctx, errIn, attr, w)));
      const hasNull = wanted.includes(null);
      return (eid) => {
        const vs = values(eid);
        if (vs.length === 0) return hasNull;
        return vs.some((v) => (v === null ? hasNull : instants.has(parseDateValue(v) as number)));
      };
    }
    case 'not':
      return (eid) => {
        const vs = values(eid);
        return vs.length === 0 || vs.some((v) => v === null || !matches(v, where.value));
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
): (eid: string) => boolean {
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
  const target = comparisonValue(ctx, opIn, attr, type, where.value);
  if (where.op === '$like' || where.op === '$ilike') {
    const re = likeToRegExp(String(target), where.op === '$ilike');
    return (eid) => values(eid).some((v) => typeof v === 'string' && re.test(v));
  }
  const test = COMPARATORS[where.op];
  return (eid) =>
    values(eid).some((v) => {
      const x = typedValue(type, v);
      return x !== undefined && test(compareTyped(x, target), 0);
    });
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

/** The comparable form of a stored value for a checked type (dates as ms). */
export function typedValue(type: string, v: unknown): string | number | boolean | undefined {
  if (v === null || v === undefined) return undefined;
  if (type === 'date') return parseDateValue(v);
  return jsonType(v) === type ? (v as string | number | boolean) : undefined;
}

/** Total order on comparable scalars: booleans false < true, strings by UTF-16 code units like Java. */
export function compareTyped(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** SQL LIKE: `%` any run, `_` one character, backslash escapes (Postgres' default escape). */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out += escapeRe(pattern[++i]);
    else if (c === '%') out += '[\\s\\S]*';
    else if (c === '_') out += '[\\s\\S]';
    else out += escapeRe(c);
  }
  return new RegExp(`^${out}$`, caseInsensitive ? 'iu' : 'u');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
