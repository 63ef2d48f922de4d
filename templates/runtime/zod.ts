// zod schemas of the generated create/update types, for applications that validate input with zod (forms,
// request bodies). Only the generated `schemas` module imports this file: the client itself validates with
// plain functions (validate.ts), so an application that does not use these never loads zod.
import * as z from 'zod/mini';
import { parseAttrSpec, type EntityDef, type ValueType } from './entity.js';
import { DATE_EXPECTED, isDateValue } from './values.js';

function valueSchema(type: ValueType): z.ZodMiniType {
  switch (type) {
    case 'string':
      return z.string();
    case 'number':
      return z.number();
    case 'boolean':
      return z.boolean();
    case 'date':
      return z.custom((v) => isDateValue(v), { error: `expected ${DATE_EXPECTED}` });
    case 'json':
      // Not z.unknown(): that accepts a missing key, and a required JSON attribute is required.
      return z.custom((v) => v !== undefined, { error: 'expected a JSON value' });
  }
}

/** Unknown keys rejected, required attributes required: what `create` accepts. */
export function createSchema<Create, Update>(def: EntityDef<Create, Update>): z.ZodMiniType<Create> {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const [name, spec] of Object.entries(def.attrs)) {
    const { type, nullable, optional } = parseAttrSpec(spec);
    const base = nullable ? z.nullable(valueSchema(type)) : valueSchema(type);
    shape[name] = optional ? z.optional(base) : base;
  }
  return z.strictObject(shape) as unknown as z.ZodMiniType<Create>;
}

/** Every attribute optional: what `update` and `merge` accept. */
export function updateSchema<Create, Update>(def: EntityDef<Create, Update>): z.ZodMiniType<Update> {
  return z.partial(createSchema(def) as unknown as z.ZodMiniObject) as unknown as z.ZodMiniType<Update>;
}
