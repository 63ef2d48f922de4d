// Lookups in admin steps (admin/model.clj): `[attr, value]`, `{attr: value}` or `lookup__attr__<json>`,
// where attr is a unique attr of the namespace or `<link>.id` for a lookup through a has-one link.

import { validationError } from '../errors.js';
import { coerceUuid, isObject, type Json } from '../json.js';
import type { AttrIndex } from '../storage/attrs.js';
import { LookupRef, type Eid } from './txSteps.js';
import { isLookupString } from './steps.js';

export type LookupPair = [string, Json];

/** `parse-lookup`: "lookup__attr__<json>" (the JSON may itself contain "__"). */
function parseLookupString(s: string): LookupPair {
  const [, attr = '', ...jsonParts] = s.split('__');
  const json = jsonParts.join('__');
  if (json === '') return [attr, null];
  try {
    return [attr, JSON.parse(json) as Json];
  } catch {
    throw validationError('lookup', s, [{ message: 'lookup value is invalid', hint: { attribute: attr, value: json } }]);
  }
}

/** `eid->lookup-pair`: the [label, value] of a lookup, or undefined when eid is a plain id. */
export function lookupPair(eid: Json): LookupPair | undefined {
  if (typeof eid === 'string') return isLookupString(eid) ? parseLookupString(eid) : undefined;
  if (Array.isArray(eid)) return [String(eid[0]), eid[1] ?? null];
  if (isObject(eid)) {
    const entries = Object.entries(eid);
    if (entries.length !== 1) {
      throw validationError('lookup', eid, [{ message: 'lookup must be an object with a single unique attr and value.' }]);
    }
    return entries[0];
  }
  return undefined;
}

/** `ref-lookup?`: a dotted name that is not itself an attr name. */
export function isRefLookup(attrs: AttrIndex, etype: string, label: string): boolean {
  return label.includes('.') && !attrs.fwd(etype, label);
}

/** `extract-ref-lookup-fwd-name`: only `<link>.id` is a valid ref lookup. */
export function refLookupLabel(pair: LookupPair): string {
  const [name] = pair;
  const parts = name.split('.');
  if (parts.length !== 2 || parts[1] !== 'id') {
    throw validationError('lookup', pair, [{ message: `${name} is not a valid lookup attribute.` }]);
  }
  return parts[0];
}

/** `extract-lookup`: a LookupRef for lookups, the (normalized) id otherwise. */
export function extractLookup(attrs: AttrIndex, etype: string, eid: Json): Eid {
  const pair = lookupPair(eid);
  if (!pair) return typeof eid === 'string' ? (coerceUuid(eid) ?? eid) : String(eid);
  const [name, value] = pair;
  const label = isRefLookup(attrs, etype, name) ? refLookupLabel(pair) : name;
  const attr = attrs.fwd(etype, label);
  if (!attr?.unique) {
    throw validationError('lookup', eid, [{ message: `${name} is not a unique attribute on ${etype}` }]);
  }
  const normalized = attr.valueType === 'ref' || attr.label === 'id' ? (coerceUuid(value) ?? value) : value;
  return new LookupRef(attr.id, normalized);
}
