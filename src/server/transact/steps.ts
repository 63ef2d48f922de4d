// Validation of admin steps against admin/model.clj's spec (`::ops`). On failure Instant first looks for
// an obviously invalid entity id (a friendlier message, `in: [step, 2]`), then reports the spec problem as
// `{expected, in: [step, arg]}` under "Validation failed for steps".

import { validationError } from '../errors.js';
import { isObject, isUuid, type Json } from '../json.js';

export type AdminAction =
  | 'create'
  | 'update'
  | 'merge'
  | 'link'
  | 'unlink'
  | 'delete'
  | 'ruleParams'
  | 'add-attr'
  | 'update-attr'
  | 'delete-attr';

export type AdminStep = [AdminAction, ...Json[]];

const OPS_WITH_EID = new Set(['create', 'update', 'merge', 'link', 'unlink', 'delete', 'ruleParams']);

export function isLookupString(x: unknown): x is string {
  return typeof x === 'string' && x.startsWith('lookup__');
}

/** `::lookup`: a uuid, `[attr, value]`, `{attr: value}` or a `lookup__attr__json` string. */
function isLookupSpec(x: unknown): boolean {
  if (isUuid(x) || isLookupString(x) || isObject(x)) return true;
  return Array.isArray(x) && x.length === 2 && typeof x[0] === 'string';
}

/** `invalid-eid?`: not a uuid, lookup string, array or object. */
function invalidEid(x: unknown): boolean {
  return !(isUuid(x) || isLookupString(x) || Array.isArray(x) || isObject(x));
}

function formatEid(x: unknown): string {
  if (x === null || x === undefined) return 'null';
  return typeof x === 'string' ? x : JSON.stringify(x);
}

export function validateAdminSteps(steps: unknown[]): asserts steps is AdminStep[] {
  const problem = steps.map((s, i) => stepProblem(s, i)).find((p) => p !== undefined);
  if (!problem) return;
  steps.forEach((step, idx) => {
    if (!Array.isArray(step) || step.length < 3 || !OPS_WITH_EID.has(step[0] as string)) return;
    if (invalidEid(step[2])) {
      throw validationError('steps', steps, [
        {
          message: `Invalid entity ID '${formatEid(step[2])}'. Entity IDs must be UUIDs or lookup references.`,
          in: [idx, 2],
        },
      ]);
    }
  });
  throw validationError('steps', steps, [problem]);
}

type Problem = { expected: string; in: (number | string)[] };

function stepProblem(step: unknown, i: number): Problem | undefined {
  if (!Array.isArray(step)) return { expected: 'sequential?', in: [i] };
  const [action, ...args] = step as unknown[];
  const at = (arg: number, expected: string): Problem => ({ expected, in: [i, arg] });
  switch (action) {
    case 'create':
      return etypeEidArgs(args, at) ?? mapArg(args, 3, at) ?? extra(args, 3, at);
    case 'update':
    case 'merge':
      return etypeEidArgs(args, at) ?? mapArg(args, 3, at) ?? updateOpts(args, at) ?? extra(args, 4, at);
    case 'link':
    case 'unlink':
      return etypeEidArgs(args, at) ?? linkMap(args, at) ?? extra(args, 3, at);
    case 'delete':
      return etypeEidArgs(args, at);
    case 'ruleParams':
      return etypeEidArgs(args, at) ?? mapArg(args, 3, at) ?? extra(args, 3, at);
    case 'add-attr':
    case 'update-attr':
      return mapArg(args, 1, at) ?? extra(args, 1, at);
    case 'delete-attr':
      return (isUuid(args[0]) ? undefined : at(1, 'coercible-uuid?')) ?? extra(args, 1, at);
    default:
      // Every alternative of the spec's `s/or` fails on the action; Instant reports the last one.
      return at(0, '#{"delete-attr"}');
  }
}

type At = (arg: number, expected: string) => Problem;

function etypeEidArgs(args: unknown[], at: At): Problem | undefined {
  if (typeof args[0] !== 'string') return at(1, 'string?');
  if (!isLookupSpec(args[1])) return at(2, Array.isArray(args[1]) ? 'string?' : 'coercible-uuid?');
  return undefined;
}

function mapArg(args: unknown[], position: number, at: At): Problem | undefined {
  return isObject(args[position - 1]) ? undefined : at(position, 'map?');
}

function updateOpts(args: unknown[], at: At): Problem | undefined {
  if (args.length < 4) return undefined;
  const opts = args[3];
  if (opts === null) return undefined;
  if (!isObject(opts)) return at(4, 'map?');
  const upsert = opts.upsert;
  return upsert === undefined || upsert === null || typeof upsert === 'boolean' ? undefined : at(4, 'boolean?');
}

function linkMap(args: unknown[], at: At): Problem | undefined {
  const m = args[2];
  if (!isObject(m)) return at(3, 'map?');
  for (const v of Object.values(m)) {
    const ok = isLookupSpec(v) || (Array.isArray(v) && v.every(isLookupSpec));
    if (!ok) return at(3, 'lookup?');
  }
  return undefined;
}

function extra(args: unknown[], expectedLength: number, at: At): Problem | undefined {
  return args.length > expectedLength ? at(expectedLength + 1, 'Extra input') : undefined;
}
