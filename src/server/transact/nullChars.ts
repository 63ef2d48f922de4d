// Postgres cannot hold U+0000 in jsonb: casting `"a\u0000b"` to jsonb fails with `untranslatable_character`
// ("\u0000 cannot be converted to text."), which Instant reports as a 400 (exception.clj
// `translate-and-throw-psql-exception!`). Instant casts a group's values and lookups when it runs the
// group's statement, delete lookups during preprocessing and create/update lookups in `validate-mode`, so
// the same places check here.

import { InstantError } from '../errors.js';
import { isObject, type Json } from '../json.js';
import { LookupRef, type TxStep } from './txSteps.js';

function hasNullChar(value: Json): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNullChar);
  if (isObject(value)) return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNullChar(v));
  return false;
}

function nullCharsError(): InstantError {
  return new InstantError('validation-failed', 'A value in the transaction contains null bytes, which cannot be stored.', {
    // `select-keys` of the Postgres error data: no table or constraint for a failed cast.
    table: null,
    condition: 'untranslatable-character',
    constraint: null,
  });
}

/** A lookup's value, as Instant sends it to Postgres to resolve the lookup. */
export function assertLookupStorable(lookup: LookupRef): void {
  if (hasNullChar(lookup.value)) throw nullCharsError();
}

/** Every value and lookup of one group of triple steps, before the group writes anything. */
export function assertStepsStorable(steps: readonly TxStep[]): void {
  for (const step of steps) {
    if (step.op !== 'add-triple' && step.op !== 'deep-merge-triple' && step.op !== 'retract-triple') continue;
    if (step.eid instanceof LookupRef) assertLookupStorable(step.eid);
    if (step.value instanceof LookupRef) assertLookupStorable(step.value);
    else if (hasNullChar(step.value)) throw nullCharsError();
  }
}
