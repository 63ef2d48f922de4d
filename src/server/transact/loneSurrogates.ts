// Instant keeps no lone UTF-16 surrogate (`"\ud800"`): its JSON reader (Jackson) accepts the escape, its
// writer (`json/->json`, cheshire over a Writer) leaves the char raw, and the Postgres driver encodes every
// text parameter with `String.getBytes(UTF_8)`, which writes `?` for a surrogate without its pair
// (pgjdbc 42.7.3 `Utils.encodeUTF8`, server/deps.edn). So values, object keys, lookups and the names of
// attrs a transaction creates are stored, and where values compared, with `?` in its place.

import { isObject, type Json } from '../json.js';
import type { AdminStep } from './steps.js';

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ANY_SURROGATE = /[\uD800-\uDFFF]/;

export function replaceLoneSurrogates(s: string): string {
  return ANY_SURROGATE.test(s) ? s.replace(LONE, '?') : s;
}

/** The JSON as Postgres receives it: every string and key with its lone surrogates replaced. */
export function storableJson(value: Json): Json {
  if (typeof value === 'string') return replaceLoneSurrogates(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [replaceLoneSurrogates(k), storableJson(v)]));
  return value;
}

/** Steps that write data reach Postgres as text; `ruleParams` only feed rules and attr steps carry ids. */
const DATA_ACTIONS = new Set(['create', 'update', 'merge', 'link', 'unlink', 'delete']);

/** Whether any string or key in `value` has a surrogate: a walk without allocations, so clean steps are not copied. */
function hasSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return ANY_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(hasSurrogate);
  if (isObject(value)) {
    for (const [key, inner] of Object.entries(value)) if (ANY_SURROGATE.test(key) || hasSurrogate(inner)) return true;
  }
  return false;
}

export function storableSteps(steps: AdminStep[]): AdminStep[] {
  return steps.map((step) => {
    if (!DATA_ACTIONS.has(step[0]) || !hasSurrogate(step)) return step;
    const [action, etype, eid, obj, ...rest] = step;
    const head: AdminStep = [action, storableJson(etype as Json), storableJson(eid as Json)];
    return step.length > 3 ? ([...head, storableJson(obj as Json), ...rest] as AdminStep) : head;
  });
}
