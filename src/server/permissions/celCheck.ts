// Compile-time checks of a rule's CEL expression, the part of cel-java's type checker Instant's rules rely
// on (@bufbuild/cel 0.6.1 parses and evaluates, but its checker only knows constants and identifiers):
// undeclared identifiers and functions ("undeclared reference to 'newData'"), unknown fields of `request`
// ("undefined field 'hello'"), and operators applied to operand types they have no overload for ("found no
// matching overload for '!_' applied to '(int)' (candidates: (bool))"). Values read from `data`, `auth`,
// `ruleParams`, ... are `dyn`, so only what is statically known can fail here; everything else is left to
// evaluation, like cel-java does.

import type { parse } from '@bufbuild/cel';

/** A parsed CEL expression node. */
export type Expr = ReturnType<typeof parse>['expr'];

type Simple = 'dyn' | 'null_type' | 'bool' | 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'timestamp' | 'duration' | 'type';

export type CelT =
  | { k: Simple }
  | { k: 'list'; elem: CelT }
  | { k: 'map'; key: CelT; val: CelT }
  | { k: 'object'; name: string; fields: Readonly<Record<string, CelT>> }
  | { k: 'param'; name: string };

const t = (k: Simple): CelT => ({ k });
export const DYN = t('dyn');
const BOOL = t('bool');
const INT = t('int');
const UINT = t('uint');
const DOUBLE = t('double');
const STRING = t('string');
const BYTES = t('bytes');
const NULL = t('null_type');
const TIMESTAMP = t('timestamp');
const DURATION = t('duration');
const TYPE = t('type');
export const list = (elem: CelT): CelT => ({ k: 'list', elem });
export const map = (key: CelT, val: CelT): CelT => ({ k: 'map', key, val });
const A: CelT = { k: 'param', name: 'A' };
const B: CelT = { k: 'param', name: 'B' };

/** `map(string, dyn)`: how `data`, `auth`, `ruleParams`, `newData`, ... are declared. */
export const OBJ = map(STRING, DYN);

/** Instant's `request` message (db/proto.clj). */
export const REQUEST: CelT = {
  k: 'object',
  name: 'request',
  fields: { modifiedFields: list(STRING), time: TIMESTAMP, ip: STRING, origin: STRING },
};

export function formatType(type: CelT): string {
  switch (type.k) {
    case 'list':
      return `list(${formatType(type.elem)})`;
    case 'map':
      return `map(${formatType(type.key)}, ${formatType(type.val)})`;
    case 'object':
      return type.name;
    case 'param':
      return `%${type.name}`;
    case 'timestamp':
      return 'google.protobuf.Timestamp';
    case 'duration':
      return 'google.protobuf.Duration';
    default:
      return type.k;
  }
}

interface Overload {
  params: CelT[];
  result: CelT;
}

const o = (params: CelT[], result: CelT): Overload => ({ params, result });
const same = (types: CelT[], result?: CelT): Overload[] => types.map((x) => o([x, x], result ?? x));
const NUMERIC = [INT, UINT, DOUBLE];
const ORDERED = [...NUMERIC, STRING, BYTES, BOOL, TIMESTAMP, DURATION];
const crossNumeric = NUMERIC.flatMap((x) => NUMERIC.filter((y) => y !== x).map((y) => o([x, y], BOOL)));
const comparison = [...same(ORDERED, BOOL), ...crossNumeric];

/** Overloads of the operators and standard functions (cel-spec's standard definitions). */
const GLOBALS: Record<string, Overload[]> = {
  '!_': [o([BOOL], BOOL)],
  '-_': [o([INT], INT), o([DOUBLE], DOUBLE)],
  '_&&_': [o([BOOL, BOOL], BOOL)],
  '_||_': [o([BOOL, BOOL], BOOL)],
  '@not_strictly_false': [o([BOOL], BOOL)],
  '_==_': [o([A, A], BOOL)],
  '_!=_': [o([A, A], BOOL)],
  '_<_': comparison,
  '_<=_': comparison,
  '_>_': comparison,
  '_>=_': comparison,
  '_+_': [
    ...same([INT, UINT, DOUBLE, STRING, BYTES]),
    o([list(A), list(A)], list(A)),
    o([TIMESTAMP, DURATION], TIMESTAMP),
    o([DURATION, TIMESTAMP], TIMESTAMP),
    o([DURATION, DURATION], DURATION),
  ],
  '_-_': [...same(NUMERIC), o([TIMESTAMP, TIMESTAMP], DURATION), o([TIMESTAMP, DURATION], TIMESTAMP), o([DURATION, DURATION], DURATION)],
  '_*_': same(NUMERIC),
  '_/_': same(NUMERIC),
  '_%_': same([INT, UINT]),
  '_[_]': [o([list(A), INT], A), o([list(A), UINT], A), o([map(A, B), A], B)],
  '@in': [o([A, list(A)], BOOL), o([A, map(A, B)], BOOL)],
  size: [o([STRING], INT), o([BYTES], INT), o([list(A)], INT), o([map(A, B)], INT)],
  matches: [o([STRING, STRING], BOOL)],
  timestamp: [o([STRING], TIMESTAMP), o([INT], TIMESTAMP), o([DOUBLE], TIMESTAMP), o([TIMESTAMP], TIMESTAMP)],
  duration: [o([STRING], DURATION), o([DURATION], DURATION)],
};

/** Conversions accept anything the runtime may convert; their result type is fixed. */
const CONVERSIONS: Record<string, CelT> = { int: INT, uint: UINT, double: DOUBLE, string: STRING, bytes: BYTES, bool: BOOL, dyn: DYN, type: TYPE };

const TIMESTAMP_GETTERS = ['getFullYear', 'getMonth', 'getDate', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear', 'getHours', 'getMinutes', 'getSeconds', 'getMilliseconds'];

/** Member functions (std, the strings extension, and Instant's own), by name: their result type. */
const MEMBERS: Record<string, CelT> = {
  contains: BOOL,
  startsWith: BOOL,
  endsWith: BOOL,
  matches: BOOL,
  size: INT,
  ...Object.fromEntries(TIMESTAMP_GETTERS.map((name) => [name, INT])),
  charAt: STRING,
  indexOf: INT,
  lastIndexOf: INT,
  lowerAscii: STRING,
  upperAscii: STRING,
  replace: STRING,
  split: list(STRING),
  substring: STRING,
  trim: STRING,
  join: STRING,
  reverse: STRING,
  format: STRING,
  // Instant: data.ref / auth.ref / linkedData.ref, timestamp.getTime(), rateLimit.<bucket>.limit(key).
  ref: list(DYN),
  getTime: INT,
  limit: BOOL,
};

/** Type names usable as values (`type(x) == int`). */
const TYPE_IDENTS = ['int', 'uint', 'double', 'string', 'bytes', 'bool', 'list', 'map', 'null_type', 'type', 'dyn'];

type Scope = ReadonlyMap<string, CelT>;

/** Checks an expression (with `cel.bind` already expanded); returns every issue found, or none. */
export function checkExpr(expr: Expr, globals: Readonly<Record<string, CelT>>): string[] {
  const issues: string[] = [];
  const scope = new Map<string, CelT>(Object.entries(globals));
  for (const name of TYPE_IDENTS) if (!scope.has(name)) scope.set(name, TYPE);
  new Checker(issues).check(expr, scope);
  return [...new Set(issues)];
}

class Checker {
  constructor(private readonly issues: string[]) {}

  private fail(message: string): CelT {
    this.issues.push(message);
    return DYN;
  }

  check(expr: Expr | undefined, scope: Scope): CelT {
    const kind = expr?.exprKind;
    switch (kind?.case) {
      case 'constExpr':
        return constType(kind.value.constantKind.case);
      case 'identExpr': {
        const type = scope.get(kind.value.name);
        return type ?? this.fail(`undeclared reference to '${kind.value.name}' (in container '')`);
      }
      case 'selectExpr':
        return this.select(this.check(kind.value.operand, scope), kind.value.field, kind.value.testOnly);
      case 'callExpr':
        return this.call(kind.value.function, kind.value.target, kind.value.args, scope);
      case 'listExpr':
        return list(unifyAll(kind.value.elements.map((e) => this.check(e, scope))));
      case 'structExpr': {
        const keys: CelT[] = [];
        const vals: CelT[] = [];
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') keys.push(this.check(entry.keyKind.value, scope));
          vals.push(this.check(entry.value, scope));
        }
        return kind.value.messageName ? DYN : map(unifyAll(keys), unifyAll(vals));
      }
      case 'comprehensionExpr': {
        const c = kind.value;
        const range = this.check(c.iterRange, scope);
        const inner = new Map(scope);
        inner.set(c.iterVar, range.k === 'list' ? range.elem : range.k === 'map' ? range.key : DYN);
        if (c.iterVar2) inner.set(c.iterVar2, range.k === 'map' ? range.val : range.k === 'list' ? INT : DYN);
        inner.set(c.accuVar, this.check(c.accuInit, scope));
        this.check(c.loopCondition, inner);
        const step = this.check(c.loopStep, inner);
        // The accumulator of `map`/`filter` starts as [] and grows with the steps: take the steps' type.
        inner.set(c.accuVar, step);
        return this.check(c.result, inner);
      }
      default:
        return DYN;
    }
  }

  private select(operand: CelT, field: string, testOnly: boolean): CelT {
    let type: CelT;
    switch (operand.k) {
      case 'dyn':
        type = DYN;
        break;
      case 'map':
        type = operand.val;
        break;
      case 'object':
        type = operand.fields[field] ?? this.fail(`undefined field '${field}'`);
        break;
      default:
        type = this.fail(`type '${formatType(operand)}' does not support field selection`);
    }
    return testOnly ? BOOL : type;
  }

  private call(name: string, target: Expr | undefined, argExprs: Expr[], scope: Scope): CelT {
    const receiver = target ? this.check(target, scope) : undefined;
    const args = argExprs.map((a) => this.check(a, scope));
    if (receiver) {
      const result = MEMBERS[name];
      return result ?? this.fail(`undeclared reference to '${name}' (in container '')`);
    }
    if (name === '_?_:_') {
      this.resolve(name, [o([BOOL, A, A], A)], args.slice(0, 1).concat([DYN, DYN]));
      return unifyAll(args.slice(1));
    }
    const conversion = CONVERSIONS[name];
    if (conversion) return conversion;
    const overloads = GLOBALS[name];
    if (!overloads) return this.fail(`undeclared reference to '${name}' (in container '')`);
    return this.resolve(name, overloads, args);
  }

  /** The result of the first overload the argument types fit, else an issue naming the candidates. */
  private resolve(name: string, overloads: Overload[], args: CelT[]): CelT {
    for (const overload of overloads) {
      if (overload.params.length !== args.length) continue;
      const bindings = new Map<string, CelT>();
      if (overload.params.every((p, i) => assignable(p, args[i], bindings))) return substitute(overload.result, bindings);
    }
    const applied = `(${args.map(formatType).join(', ')})`;
    const generic = overloads.some((ov) => ov.params.some(hasParam));
    const candidates = generic ? '' : ` (candidates: ${overloads.map((ov) => `(${ov.params.map(formatType).join(', ')})`).join(',')})`;
    return this.fail(`found no matching overload for '${name}' applied to '${applied}'${candidates}`);
  }
}

function constType(kind: string | undefined): CelT {
  switch (kind) {
    case 'boolValue':
      return BOOL;
    case 'int64Value':
      return INT;
    case 'uint64Value':
      return UINT;
    case 'doubleValue':
      return DOUBLE;
    case 'stringValue':
      return STRING;
    case 'bytesValue':
      return BYTES;
    case 'nullValue':
      return NULL;
    default:
      return DYN;
  }
}

function hasParam(type: CelT): boolean {
  if (type.k === 'param') return true;
  if (type.k === 'list') return hasParam(type.elem);
  if (type.k === 'map') return hasParam(type.key) || hasParam(type.val);
  return false;
}

/**
 * Whether an argument of type `arg` fits the parameter `param`, binding type parameters. `dyn` fits
 * everything, and so does `null` (it is assignable to the wrapper and message types the rules' dynamic
 * values may hold): the checker only rejects what can never evaluate.
 */
function assignable(param: CelT, arg: CelT, bindings: Map<string, CelT>): boolean {
  if (arg.k === 'dyn' || arg.k === 'null_type' || param.k === 'dyn') return true;
  if (param.k === 'param') {
    const bound = bindings.get(param.name);
    if (!bound || bound.k === 'dyn' || bound.k === 'null_type') {
      bindings.set(param.name, arg);
      return true;
    }
    return assignable(bound, arg, bindings) || assignable(arg, bound, new Map());
  }
  if (param.k === 'list') return arg.k === 'list' && assignable(param.elem, arg.elem, bindings);
  if (param.k === 'map') return arg.k === 'map' && assignable(param.key, arg.key, bindings) && assignable(param.val, arg.val, bindings);
  if (param.k === 'object') return arg.k === 'object' && arg.name === param.name;
  return param.k === arg.k;
}

function substitute(type: CelT, bindings: Map<string, CelT>): CelT {
  if (type.k === 'param') return bindings.get(type.name) ?? DYN;
  if (type.k === 'list') return list(substitute(type.elem, bindings));
  if (type.k === 'map') return map(substitute(type.key, bindings), substitute(type.val, bindings));
  return type;
}

/** The common type of list elements (or ternary branches): one type, else `dyn`. */
function unifyAll(types: CelT[]): CelT {
  const known = types.filter((x) => x.k !== 'null_type');
  if (known.length === 0) return types.length ? NULL : DYN;
  const first = formatType(known[0]);
  return known.every((x) => formatType(x) === first) ? known[0] : DYN;
}
