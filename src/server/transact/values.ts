// Write-time checks on single values, mirroring the triples table's check constraints and unique index
// as Instant translates their violations (exception.clj `translate-and-throw-psql-exception!`).

import { InstantError } from '../errors.js';
import { getKey, isObject, isUuid, jsonType, setKey, type Json } from '../json.js';
import { parseDateValue } from '../dates.js';
import type { Attr } from '../storage/attrs.js';
import { jsonbSize, rowDetailValue } from './jsonb.js';

/** `pg_column_size(value) <= 1024` on indexed, unique and link triples (01_bootstrap.up.sql). */
const MAX_CONSTRAINED_VALUE_BYTES = 1024;

/**
 * The hint is built from Postgres's "Failing row contains (...)" detail, where a column shows at most 64
 * bytes of its text and a null column shows as the word `null` (so `checked-data-type` is then "null").
 */
function checkViolation(message: string, attr: Attr, eid: string, value: Json, extra: Record<string, unknown> = {}): InstantError {
  return new InstantError('validation-failed', message, {
    namespace: attr.etype,
    attribute: attr.label,
    value: rowDetailValue(value).value,
    'checked-data-type': attr.checkedType ?? 'null',
    'attr-id': attr.id,
    'entity-id': eid,
    ...extra,
  });
}

/**
 * The triples table's checks, in the order Postgres runs them (by constraint name):
 * `indexed_values_are_constrained`, `valid_ref_value`, `valid_value_data_type`. Null passes every type.
 */
export function assertValidValue(attr: Attr, eid: string, value: Json): void {
  const constrained = attr.valueType === 'ref' || attr.unique || attr.indexed;
  if (constrained && jsonbSize(value) > MAX_CONSTRAINED_VALUE_BYTES) {
    const kind = attr.unique ? 'a unique' : 'an indexed';
    throw checkViolation(`Value is too large for ${kind} attribute.`, attr, eid, value, { 'value-too-large?': true });
  }
  if (attr.valueType === 'ref') {
    if (!isUuid(value)) throw checkViolation('Linked value must be a valid uuid.', attr, eid, value);
    return;
  }
  const type = attr.checkedType;
  if (!type || value === null || matchesType(type, value)) return;
  // A value cut short in the detail no longer parses, so Instant cannot name its type.
  const provided = rowDetailValue(value).truncated ? '' : ` but the provided value type is ${jsonType(value)}`;
  throw checkViolation(`Invalid value type for ${attr.etype}.${attr.label}. Value must be a ${type}${provided}.`, attr, eid, value);
}

function matchesType(type: string, value: Json): boolean {
  if (type === 'date') return (typeof value === 'number' || typeof value === 'string') && parseDateValue(value) !== undefined;
  return jsonType(value) === type;
}

/** `record-not-unique` with the message built from the unique index detail (value JSON-encoded). */
export function notUnique(attr: Attr, valueJson: string): InstantError {
  return new InstantError(
    'record-not-unique',
    `\`${attr.label}\` is a unique attribute on \`${attr.etype}\` and an entity already exists with \`${attr.etype}.${attr.label}\` = ${valueJson}`,
    { 'record-type': 'triple', 'attr-id': attr.id, etype: attr.etype, label: attr.label, value: valueJson },
  );
}

/**
 * `jsonb_deep_merge`: objects merge recursively, a null inside the patch removes the key, anything else
 * (arrays, scalars, a non-object on either side) overwrites. No stored value means the patch is the value.
 */
export function deepMerge(base: Json | undefined, patch: Json): Json {
  if (base === undefined || !isObject(base) || !isObject(patch)) return patch;
  const out: { [k: string]: Json } = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const current = getKey(out, k);
    if (isObject(current) && isObject(v)) setKey(out, k, deepMerge(current, v));
    else if (v === null) delete out[k];
    else setKey(out, k, v);
  }
  return out;
}
