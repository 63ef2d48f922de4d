// Structural validation of an InstaQL query, in the order of instaql.clj `->forms!`: every level must be
// an object, `$` options are checked (coerce-option-map!), and where values must satisfy the where spec.
// Nothing here looks at attrs; that happens when the query is planned (plan.ts).

import { validationError, type ValidationEntry } from '../errors.js';
import { isObject, isWhereLiteral, toJson, type Json, type JsonObject } from '../json.js';

export type Direction = 'asc' | 'desc';

export type WhereOp =
  | { op: 'eq'; value: string | number | boolean }
  | { op: 'in'; values: (string | number | boolean | null)[] }
  | { op: 'not'; value: string | number | boolean }
  | { op: 'isNull'; value: boolean }
  | { op: '$gt' | '$gte' | '$lt' | '$lte' | '$like' | '$ilike'; value: string | number | boolean };

export type Cond =
  | { kind: 'and'; conds: Cond[] }
  | { kind: 'or'; conds: Cond[] }
  | { kind: 'path'; key: string; path: string[]; where: WhereOp };

export type Cursor = [unknown, unknown, unknown, unknown?];

export interface Options {
  where?: Cond[];
  order?: { k: string; direction: Direction };
  limit?: number;
  first?: number;
  last?: number;
  offset?: number;
  before?: Cursor;
  after?: Cursor;
  beforeInclusive?: boolean;
  afterInclusive?: boolean;
  aggregate?: 'count';
  fields?: string[];
}

export interface Form {
  /** Namespace at the top level, link label below. */
  k: string;
  /** The `in` path of this form, e.g. ["users", "bookshelves"]. */
  in: string[];
  level: number;
  options: Options;
  children: Form[];
}

interface State {
  root: unknown;
  in: string[];
  level: number;
}

/** `->forms!`: the query without `$$ruleParams`, coerced into forms. Throws validation errors. */
export function coerceQuery(query: JsonObject): Form[] {
  const root: JsonObject = { ...query };
  delete root.$$ruleParams;
  return coerceForms({ root, in: [], level: 0 }, root);
}

function fail(state: State, entry: ValidationEntry, inputType = 'query'): never {
  throw validationError(inputType, state.root, [entry]);
}

function assertMap(state: State, x: unknown): asserts x is JsonObject {
  if (!isObject(x)) fail(state, { expected: 'map?', in: state.in });
}

function coerceForms(state: State, o: unknown): Form[] {
  assertMap(state, o);
  return Object.entries(o).map(([k, v]) => {
    const inner: State = { ...state, in: [...state.in, k] };
    assertMap(inner, v);
    const { $: opts = {}, ...children } = v;
    return {
      k,
      in: inner.in,
      level: state.level,
      options: coerceOptions({ ...inner, in: [...inner.in, '$'] }, opts),
      children: coerceForms({ ...inner, level: state.level + 1 }, children),
    };
  });
}

/** A Clojure `when-let`: only nil and false skip an option. */
function given(x: unknown): boolean {
  return x !== undefined && x !== null && x !== false;
}

const OPTION_KEYS = new Set([
  'where',
  'order',
  'limit',
  'first',
  'last',
  'offset',
  'before',
  'after',
  'beforeInclusive',
  'afterInclusive',
  'aggregate',
  'fields',
]);

function coerceOptions(state: State, x: unknown): Options {
  assertMap(state, x);
  const out: Options = {};
  if (given(x.where)) {
    const whereState = { ...state, in: [...state.in, 'where'] };
    assertMap(whereState, x.where);
    out.where = coerceWhere(state, x.where);
  }
  if (given(x.order)) {
    const orderState = { ...state, in: [...state.in, 'order'] };
    assertMap(orderState, x.order);
    const order = coerceOrder(orderState, x.order);
    if (order) out.order = order;
  }
  for (const name of ['limit', 'first', 'last'] as const) {
    if (given(x[name])) out[name] = positiveInt(state, name, x[name]);
  }
  if (given(x.offset)) out.offset = nonNegativeInt(state, x.offset);
  if (given(x.after)) out.after = cursor({ ...state, in: [...state.in, 'after'] }, x.after);
  if (x.afterInclusive !== undefined && x.afterInclusive !== null) {
    out.afterInclusive = bool({ ...state, in: [...state.in, 'afterInclusive'] }, x.afterInclusive);
  }
  if (given(x.before)) out.before = cursor({ ...state, in: [...state.in, 'before'] }, x.before);
  if (x.beforeInclusive !== undefined && x.beforeInclusive !== null) {
    out.beforeInclusive = bool({ ...state, in: [...state.in, 'beforeInclusive'] }, x.beforeInclusive);
  }
  if (given(x.aggregate)) out.aggregate = aggregate(state, x.aggregate);
  if (given(x.fields)) {
    if (!Array.isArray(x.fields)) {
      fail(state, {
        expected: 'array?',
        in: [...state.in, 'fields'],
        message: 'The `fields` property should be an array of field names.',
      });
    }
    out.fields = x.fields.filter((f): f is string => typeof f === 'string');
  }
  checkOptionCombinations(state, x, out);
  return out;
}

function checkOptionCombinations(state: State, x: JsonObject, out: Options): void {
  if (Object.keys(x).some((k) => !OPTION_KEYS.has(k))) {
    fail(state, {
      expected: 'supported-options?',
      in: state.in,
      message: 'We only support `where`, `order`, `limit`, `offset`, `before`, and `after` clauses.',
    });
  }
  if (state.level > 0 && (out.offset !== undefined || out.after || out.before)) {
    fail(state, {
      expected: 'supported-options?',
      in: state.in,
      message:
        'We currently only support `offset`, `before`, and `after` clauses on the top-level field. Limit fields will be ignored',
    });
  }
  const limits = (['limit', 'first', 'last'] as const).filter((k) => out[k] !== undefined).map((k) => `\`${k}\``);
  if (limits.length > 1) {
    fail(state, { expected: 'supported-options?', in: state.in, message: `Only provide one of ${limits.join(' or ')}.` });
  }
}

function coerceOrder(state: State, order: JsonObject): Options['order'] | undefined {
  const entries = Object.entries(order);
  if (entries.length === 0) return undefined;
  if (entries.length > 1) {
    fail(state, {
      expected: 'single-key?',
      in: state.in,
      message: `We only support a single key in the \`order\` clause. Got ${entries.map(([k]) => k).join(',')}.`,
    });
  }
  const [k, direction] = entries[0];
  if (direction !== 'asc' && direction !== 'desc') {
    fail(state, {
      expected: 'valid-direction?',
      in: [...state.in, k],
      message: `We only support "asc" or "desc" in the \`order\` clause. Got ${toJson(direction)}.`,
    });
  }
  return { k, direction };
}

function positiveInt(state: State, name: 'limit' | 'first' | 'last', v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  return fail(state, {
    expected: 'supported-options?',
    in: [...state.in, name],
    message: `The ${name} field must be a positive integer. Got ${toJson(v)}.`,
  });
}

function nonNegativeInt(state: State, v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  return fail(state, {
    expected: 'supported-options?',
    in: [...state.in, 'offset'],
    message: `The offset field must be a non-negative integer. Got ${toJson(v)}.`,
  });
}

function bool(state: State, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  return fail(state, { expected: 'boolean?', in: state.in });
}

function aggregate(state: State, v: unknown): 'count' {
  if (v === 'count') return 'count';
  return fail(state, {
    expected: 'supported-options?',
    in: [...state.in, 'aggregate'],
    message: `The aggregate field only accepts "count", got ${toJson(v)}.`,
  });
}

/** `assert-cursor!`: a join row [entity-id, attr-id, value, created-at]. */
function cursor(state: State, x: unknown): Cursor {
  const err = (message: string): never => fail(state, { expected: 'join-row?', in: state.in, message });
  if (!Array.isArray(x)) return err(`Expected a join row for the cursor, got ${toJson(x)}.`);
  if (x.length !== 3 && x.length !== 4) return err(`Expected a join row with 4 items for the cursor, got ${toJson(x)}.`);
  const [e, a, v, t] = x;
  if (typeof a !== 'string' || !/^[0-9a-f-]{36}$/i.test(a)) {
    return err(`Expected a join row with a uuid attribute id in the second position, got ${toJson(a)}.`);
  }
  if (t !== undefined && t !== null && !(typeof t === 'number' && Number.isInteger(t))) {
    return err(`Expected a join row with an integer created_at in the last position, got ${toJson(t)}.`);
  }
  return [typeof e === 'string' ? e.toLowerCase() : e, a.toLowerCase(), v, t ?? undefined];
}

// ---- where ----

function coerceWhere(state: State, where: JsonObject): Cond[] {
  return Object.entries(where).map(([k, v]) => coerceWhereEntry(state, k, v));
}

function coerceWhereEntry(state: State, k: string, v: Json): Cond {
  if ((k === 'or' || k === 'and') && Array.isArray(v)) {
    if (v.length === 0) {
      fail(state, {
        expected: 'non-empty-list?',
        in: [...state.in, k],
        message: `The list of \`${k}\` conditions can't be empty.`,
      });
    }
    const conds = v.map((item, i): Cond => {
      const itemState = { ...state, in: [...state.in, k, String(i)] };
      assertMap(itemState, item);
      return { kind: 'and', conds: coerceWhere(state, item) };
    });
    return { kind: k, conds };
  }
  return { kind: 'path', key: k, path: k.split('.'), where: whereOp(state, k, v) };
}

const OP_KEYS = new Set(['in', '$in', '$not', '$ne', '$isNull', '$gt', '$gte', '$lt', '$lte', '$like', '$ilike']);

/**
 * The where-value spec (`::where-v`) plus the choice of operator. Instant keeps only one operator per map:
 * `$not`/`$ne` first, then `$isNull: true`, else the first key.
 */
function whereOp(state: State, k: string, v: Json): WhereOp {
  const bad = (expected: string): never =>
    fail(state, { expected, in: [...state.in, 'where', k] }, 'coerced-query');
  if (isWhereLiteral(v)) return { op: 'eq', value: v };
  if (!isObject(v)) return bad('where-value-valid?');
  const keys = Object.keys(v);
  if (keys.length === 0 || !keys.every((key) => OP_KEYS.has(key))) return bad('where-value-valid-keys?');
  for (const key of keys) checkOpValue(key, v[key], bad);
  const notKey = keys.find((key) => key === '$not' || key === '$ne');
  if (notKey) return { op: 'not', value: v[notKey] as string | number | boolean };
  if (v.$isNull === true) return { op: 'isNull', value: true };
  const first = keys[0];
  if (first === 'in' || first === '$in') return { op: 'in', values: v[first] as (string | number | boolean | null)[] };
  if (first === '$isNull') return { op: 'isNull', value: v[first] as boolean };
  return { op: first as '$gt', value: v[first] as string | number | boolean };
}

function checkOpValue(key: string, value: Json, bad: (expected: string) => never): void {
  if (key === 'in' || key === '$in') {
    if (!Array.isArray(value) || !value.every((x) => x === null || isWhereLiteral(x))) bad('in-value-valid?');
  } else if (key === '$isNull') {
    if (typeof value !== 'boolean') bad('boolean?');
  } else if (!isWhereLiteral(value)) {
    bad('where-value-valid?');
  }
}
