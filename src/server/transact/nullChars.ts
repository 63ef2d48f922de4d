// Postgres cannot hold U+0000 in jsonb: casting `"a\u0000b"` to jsonb fails with `untranslatable_character`
// ("\u0000 cannot be converted to text."), which Instant reports as a 400 (exception.clj
// `translate-and-throw-psql-exception!`). Instant casts a group's values and lookups when it runs the
// group's statement, delete lookups during preprocessing and create/update lookups in `validate-mode`, so
// the same places check here.
//
// Names are text columns, not jsonb: a new attr's namespace or label with U+0000 is a text parameter the
// driver sends as a 0x00 byte, which Postgres refuses as `character_not_in_repertoire` (22021, "invalid
// byte sequence for encoding UTF8: 0x00") when attr.clj `insert-multi!` runs; exception.clj has no case
// for it, so it is the generic 500 `sql-exception`. A delete's namespace travels inside jsonb
// (triple.clj `delete-entity-multi!`), so that is the null-bytes error again.

import { InstantError } from '../errors.js';
import { isObject, type Json } from '../json.js';
import type { Attr } from '../storage/attrs.js';
import { LookupRef, type TxStep } from './txSteps.js';

function hasNullChar(value: Json): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNullChar);
  if (isObject(value)) return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNullChar(v));
  return false;
}

export function nullCharsError(): InstantError {
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

/** exception.clj `default-psql-throw!` for 22021 (the hint's `debug-uri` is left out, as for every 500 here). */
export function textParameterError(): InstantError {
  return new InstantError('sql-exception', 'SQL Exception: character-not-in-repertoire', {
    table: null,
    condition: 'character-not-in-repertoire',
    constraint: null,
  });
}

function namesHaveNullChar(attr: Attr): boolean {
  return [attr.etype, attr.label, attr.revEtype, attr.revLabel].some((n) => n?.includes('\u0000'));
}

/** The names of the attrs a group creates (attr.clj `insert-multi!`) and the namespaces it deletes. */
export function assertNamesStorable(steps: readonly TxStep[]): void {
  for (const step of steps) {
    if (step.op === 'add-attr' && namesHaveNullChar(step.attr)) throw textParameterError();
    if (step.op === 'delete-entity' && step.etype.includes('\u0000')) throw nullCharsError();
  }
}
