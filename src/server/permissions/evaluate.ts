// Running one program for one check: the CEL bindings of cel.clj `eval-program!` built from the check's
// entity maps (context.ts), the result read with Clojure truthiness by the callers.

import type { Json, JsonObject } from '../json.js';
import type { QueryReader } from '../query/reader.js';
import { runRule } from './cel.js';
import { authMap, dataMap, RateLimitScope, rateLimitMap, requestMap, RuleMap } from './context.js';
import type { Program } from './rules.js';

/** What is fixed for one request: who asks, when, from where, and how errors are reported. */
export interface RuleContext {
  user: JsonObject | null;
  time: number;
  ip?: string;
  origin?: string;
  /** The debug endpoints show the CEL error instead of "You may have a typo". */
  showCelErrors: boolean;
  /** `rateLimit.<bucket>.limit(key, tokens)`: takes tokens or throws `rate-limited`; absent, every call passes. */
  rateLimit?: (bucket: string, key: Json, tokens: number) => void;
}

/** A check's inputs (the `bindings` of a transaction check result, in Instant's key names). */
export interface CheckBindings {
  data?: JsonObject | null;
  'new-data'?: JsonObject | null;
  'linked-data'?: JsonObject | null;
  'linked-etype'?: string;
  actions?: JsonObject;
  'rule-params'?: JsonObject | null;
  'modified-fields'?: string[];
}

/**
 * Evaluates a program. `etype` is the namespace of `data` (for `data.ref`); `reader` reads the database
 * as the check must see it (before or after the transaction's writes).
 */
export function evaluateProgram(program: Program, etype: string, bindings: CheckBindings, ctx: RuleContext, reader: QueryReader): unknown {
  const scope = ctx.rateLimit ? new RateLimitScope(ctx.rateLimit) : undefined;
  const vars: Record<string, unknown> = {
    auth: authMap(reader, ctx.user),
    data: dataMap(reader, etype, bindings.data),
    ruleParams: new RuleMap(bindings['rule-params']).cel(),
    request: requestMap({ time: ctx.time, ip: ctx.ip, origin: ctx.origin, modifiedFields: bindings['modified-fields'] }),
    rateLimit: rateLimitMap(scope),
  };
  if ('new-data' in bindings) vars.newData = new RuleMap(bindings['new-data']).cel();
  if ('linked-data' in bindings) vars.linkedData = dataMap(reader, bindings['linked-etype'] ?? etype, bindings['linked-data']);
  if (bindings.actions) vars.actions = new RuleMap(bindings.actions).cel();
  let result: unknown;
  try {
    result = runRule(program.compiled, vars, { etype: program.etype, action: program.action, showCelErrors: ctx.showCelErrors });
  } finally {
    // An empty bucket fails the request even where CEL absorbed the error (`||`) or reported it as its own.
    if (scope?.refused !== undefined) throw scope.refused; // eslint-disable-line no-unsafe-finally
  }
  return result;
}

/** How a program appears in check results. */
export function programJson(program: Program | null): JsonObject {
  if (!program) return {};
  return { etype: program.etype, action: program.action, code: program.code, 'display-code': program.displayCode };
}
