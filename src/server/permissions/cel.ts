// The CEL side of rules (db/cel.clj), on @bufbuild/cel: one environment with Instant's functions
// (`ref`, `timestamp` from ms or any date string Instant accepts, `getTime`, `rateLimit.<b>.limit`, the
// strings extension); `cel.bind(name, value, body)` expanded into the comprehension the bindings
// extension uses; compile-time checks (celCheck.ts) with the variables of each action's compiler; and a
// bounded cache of compiled rules.

import { celEnv, celFunc, celList, celMethod, CelScalar, isCelError, listType, mapType, objectType, parse, plan, type CelError, type CelResult } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { TimestampSchema, timestampFromMs, timestampMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import { parseDateValue } from '../dates.js';
import { InstantError } from '../errors.js';
import { checkExpr, DYN, map, OBJ, REQUEST, type CelT, type Expr } from './celCheck.js';
import { BucketRef, RuleMap, celValue } from './context.js';

/** A rule that does not compile: cel-java's issues, as messages. */
export class CelCompileError extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join(', '));
    this.name = 'CelCompileError';
  }
}

export interface CompiledRule {
  /** The parsed expression, `cel.bind` expanded. */
  expr: Expr;
  run(bindings: Record<string, unknown>): CelResult;
}

const TIMESTAMP = objectType(TimestampSchema);
const RATE_LIMITS = map({ k: 'string' }, { k: 'map', key: { k: 'string' }, val: DYN });

const dateToTimestamp = (v: unknown): Timestamp => {
  const ms = parseDateValue(typeof v === 'bigint' ? Number(v) : v);
  if (ms === undefined) throw new Error(`timestamp: cannot read ${JSON.stringify(typeof v === 'bigint' ? Number(v) : v)} as a date`);
  return timestampFromMs(ms);
};

const FUNCS = [
  ...strings,
  celMethod('ref', mapType(CelScalar.STRING, CelScalar.DYN), [CelScalar.STRING], listType(CelScalar.DYN), function (path) {
    const refs = (this as unknown) instanceof RuleMap ? (this as unknown as RuleMap).refs : undefined;
    if (!refs) throw new Error('ref() is only available on data, linkedData and auth');
    return celList(refs(path).map(celValue));
  }),
  celFunc('timestamp', [CelScalar.STRING], TIMESTAMP, dateToTimestamp),
  celFunc('timestamp', [CelScalar.INT], TIMESTAMP, dateToTimestamp),
  celFunc('timestamp', [CelScalar.DOUBLE], TIMESTAMP, dateToTimestamp),
  celMethod('getTime', TIMESTAMP, [], CelScalar.INT, function () {
    return BigInt(timestampMs(this.message as Timestamp));
  }),
  // `$rateLimits` buckets (context.ts `BucketRef`): take tokens, or fail the rule with `rate-limited`.
  celMethod('limit', mapType(CelScalar.STRING, CelScalar.DYN), [CelScalar.DYN], CelScalar.BOOL, function (key) {
    return (this as unknown) instanceof BucketRef ? (this as unknown as BucketRef).limit(key) : true;
  }),
  celMethod('limit', mapType(CelScalar.STRING, CelScalar.DYN), [CelScalar.DYN, CelScalar.INT], CelScalar.BOOL, function (key, tokens) {
    return (this as unknown) instanceof BucketRef ? (this as unknown as BucketRef).limit(key, tokens) : true;
  }),
];

const ENV = celEnv({ funcs: FUNCS });

/** The variables of cel.clj's compilers: view/delete, create/update (+ newData), link, unlink. */
function variables(action: string): Record<string, CelT> {
  const base: Record<string, CelT> = { data: OBJ, auth: OBJ, ruleParams: OBJ, request: REQUEST, rateLimit: RATE_LIMITS };
  switch (action) {
    case 'view':
    case 'delete':
      return base;
    case 'link':
      return { ...base, newData: OBJ, linkedData: OBJ, actions: OBJ };
    case 'unlink':
      return { ...base, newData: OBJ, linkedData: OBJ };
    default:
      return { ...base, newData: OBJ };
  }
}

/**
 * Parses a rule, or throws its syntax error as a compile error. cel-java (Instant) accepts a `// comment`
 * that runs to the end of the rule; @bufbuild/cel wants a line break after every comment. A line break
 * appended after the whole rule cannot change its meaning: it only ever ends a final comment (a string
 * still open at the end is a syntax error either way).
 */
function parseRule(code: string): Expr {
  try {
    return parse(`${code}\n`).expr;
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/^<input>:\d+:\d+: /, '') : String(e);
    throw new CelCompileError([`Syntax error: ${message}`]);
  }
}

/** Every identifier the expression mentions (cel.clj `ident-usages`): which binds a rule needs. */
export function identifiersOf(code: string): Set<string> {
  const names = new Set<string>();
  walk(parseRule(code), (e) => {
    if (e.exprKind.case === 'identExpr') names.add(e.exprKind.value.name);
  });
  return names;
}

/** Visits every node, parents first. */
export function walk(expr: Expr | undefined, visit: (e: Expr) => void): void {
  if (!expr) return;
  visit(expr);
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'selectExpr':
      return walk(kind.value.operand, visit);
    case 'callExpr':
      walk(kind.value.target, visit);
      for (const a of kind.value.args) walk(a, visit);
      return;
    case 'listExpr':
      for (const e of kind.value.elements) walk(e, visit);
      return;
    case 'structExpr':
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case === 'mapKey') walk(entry.keyKind.value, visit);
        walk(entry.value, visit);
      }
      return;
    case 'comprehensionExpr': {
      const c = kind.value;
      for (const e of [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result]) walk(e, visit);
      return;
    }
    default:
      return;
  }
}

/**
 * `cel.bind(x, init, body)` → the bindings extension's macro expansion: a comprehension over an empty
 * list whose accumulator `x` starts as `init` and whose result is `body`.
 */
function expandBinds(expr: Expr): void {
  walk(expr, (e) => {
    const kind = e.exprKind;
    if (kind.case !== 'callExpr' || kind.value.function !== 'bind') return;
    const { target, args } = kind.value;
    if (target?.exprKind.case !== 'identExpr' || target.exprKind.value.name !== 'cel' || args.length !== 3) return;
    const [name, init, body] = args;
    if (name.exprKind.case !== 'identExpr') return;
    const variable = name.exprKind.value.name;
    const node = (id: bigint, exprKind: Expr['exprKind']): Expr => ({ ...e, id, exprKind }) as Expr;
    e.exprKind = {
      case: 'comprehensionExpr',
      value: {
        ...({ $typeName: 'cel.expr.Expr.Comprehension' } as object),
        iterVar: '#unused',
        iterVar2: '',
        iterRange: node(name.id, { case: 'listExpr', value: { $typeName: 'cel.expr.Expr.CreateList', elements: [], optionalIndices: [] } }),
        accuVar: variable,
        accuInit: init,
        loopCondition: node(target.id, {
          case: 'constExpr',
          value: { $typeName: 'cel.expr.Constant', constantKind: { case: 'boolValue', value: false } },
        }),
        loopStep: node(name.id, { case: 'identExpr', value: { $typeName: 'cel.expr.Expr.Ident', name: variable } }),
        result: body,
      },
    } as Expr['exprKind'];
  });
}

const CACHE_LIMIT = 2048;
const cache = new Map<string, CompiledRule>();

/** Parses, expands binds and checks a rule for an action's compiler; cached. Throws CelCompileError. */
export function compileRule(action: string, code: string): CompiledRule {
  const key = `${action}\u0000${code}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const expr = parseRule(code);
  expandBinds(expr);
  const issues = checkExpr(expr, variables(action));
  if (issues.length) throw new CelCompileError(issues);
  const evaluate = plan(ENV, expr);
  const compiled: CompiledRule = { expr, run: (bindings) => evaluate(bindings as never) };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** cel.clj `validation-errors`: the AST validators that run when rules are saved. */
export function validatorIssues(compiled: CompiledRule, rateLimitNames: ReadonlySet<string>): string[] {
  const issues: string[] = [];
  walk(compiled.expr, (e) => {
    if (e.exprKind.case !== 'callExpr') return;
    const call = e.exprKind.value;
    const [obj, fn] = functionName(call.target, call.function);
    if (fn === 'ref' && obj === 'auth') {
      const arg = call.args[0]?.exprKind;
      const path = arg?.case === 'constExpr' && arg.value.constantKind.case === 'stringValue' ? arg.value.constantKind.value : undefined;
      if (call.args.length !== 1 || path === undefined || !path.startsWith('$user.')) issues.push('auth.ref arg must start with `$user.`');
    }
    if (obj === 'rateLimit' && !rateLimitNames.has(fn)) {
      issues.push(`\`${fn}\` is not a valid rate limit config. It should be defined in the \`$rateLimits\` key.`);
    }
  });
  return issues;
}

/** cel.clj `function-name`: `[object, function]` of a call (`data.ref` → [data, ref], `rateLimit.x.limit` → [rateLimit, x]). */
function functionName(target: Expr | undefined, fn: string): [string | undefined, string] {
  const kind = target?.exprKind;
  if (!kind) return [undefined, fn];
  if (kind.case === 'identExpr') return [kind.value.name, fn];
  if (kind.case === 'selectExpr' && kind.value.operand?.exprKind.case === 'identExpr') {
    return [kind.value.operand.exprKind.value.name, kind.value.field];
  }
  if (kind.case === 'callExpr' && kind.value.function === '_[_]' && kind.value.args.length === 2) {
    const [obj, key] = kind.value.args;
    if (obj.exprKind.case === 'identExpr' && key.exprKind.case === 'constExpr' && key.exprKind.value.constantKind.case === 'stringValue') {
      return [obj.exprKind.value.name, key.exprKind.value.constantKind.value];
    }
  }
  return [undefined, fn];
}

/** Clojure truthiness, as `assert-permitted!` reads a rule's result: anything but null and false passes. */
export function passes(result: unknown): boolean {
  return result !== null && result !== undefined && result !== false;
}

/** cel-java's error code for an evaluation error, as Instant puts it in `hint.error.type`. */
function errorCode(error: CelError): string {
  const m = error.message;
  if (/no matching overload|unbound function|no such overload/i.test(m)) return 'OVERLOAD_NOT_FOUND';
  if (/field not found|no such key|no such attribute|undeclared/i.test(m)) return 'ATTRIBUTE_NOT_FOUND';
  if (/divi(de|sion) by zero|modulus by zero/i.test(m)) return 'DIVIDE_BY_ZERO';
  if (/out of (bounds|range)/i.test(m)) return 'INDEX_OUT_OF_BOUNDS';
  if (/overflow/i.test(m)) return 'NUMERIC_OVERFLOW';
  return 'INTERNAL_ERROR';
}

/**
 * `ex/throw-permission-evaluation-failed!`: the real CEL message only with `showCelErrors` (the debug
 * endpoints), "You may have a typo" otherwise.
 */
export function evaluationFailed(etype: string, action: string, error: CelError, showCelErrors: boolean): InstantError {
  const cause = showCelErrors && error.message ? error.message : 'You may have a typo';
  const message = `Could not evaluate permission rule for \`${etype}.${action}\`. ${cause}. Debug this in the sandbox and then update your permission rules.`;
  return new InstantError('permission-evaluation-failed', message, {
    rule: [etype, action],
    error: { type: errorCode(error), message, hint: cause },
  });
}

/** Runs a compiled rule; CEL errors become `permission-evaluation-failed`. */
export function runRule(compiled: CompiledRule, bindings: Record<string, unknown>, where: { etype: string; action: string; showCelErrors: boolean }): unknown {
  const result = compiled.run(bindings);
  if (isCelError(result)) throw evaluationFailed(where.etype, where.action, result, where.showCelErrors);
  return result;
}
