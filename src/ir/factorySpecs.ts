// What a factory needs to know of an entity, derived from the IR: which attributes it must fill and how,
// and the links it can build. The generator writes this table into `instant.gen/testing` (so factories
// work without loading the schema), and it is plain JSON so the emitted text is deterministic.

import type { EntityIR, SchemaIR, ValueType } from './types.js';

/**
 * How the factory fills a required attribute: a value of that type (`unique` ones get the entity's
 * counter in them), or `given`: the schema types it (`i.json<T>()`, `i.string<'a' | 'b'>()`), so
 * only the caller can give a valid value; the text is that type, for the error message.
 */
export type AttrFill = { type: ValueType; unique?: true } | { given: string };

export interface LinkSpec {
  target: string;
  has: 'one' | 'many';
  /** The label on the target that points back here. */
  back: string;
  /** A link the server requires: built when the caller neither links nor builds one. */
  required?: true;
}

export interface EntityFactorySpec {
  /** Required attributes (and `clientRequired` ones) in schema order; optional ones stay unset. */
  attrs: Record<string, AttrFill>;
  /** Links to entities that have a factory, by label. */
  links: Record<string, LinkSpec>;
}

export type FactorySpecs = Record<string, EntityFactorySpec>;

/**
 * Entities a factory can create with a transaction: the schema's own, and `$users` (admin transactions
 * may create users). Other system entities (`$files`: made by uploads) only get linked to.
 */
export function hasFactory(entity: EntityIR): boolean {
  return !entity.system || entity.name === '$users';
}

export function factorySpecs(ir: SchemaIR): FactorySpecs {
  const withFactory = new Set(ir.entities.filter(hasFactory).map((e) => e.name));
  const specs: FactorySpecs = {};
  for (const entity of ir.entities) {
    if (!withFactory.has(entity.name)) continue;
    const attrs: Record<string, AttrFill> = {};
    for (const a of entity.attrs) {
      if (!a.required && !a.clientRequired) continue;
      attrs[a.name] = a.tsType !== undefined ? { given: a.tsType } : { type: a.valueType, ...(a.unique ? { unique: true as const } : {}) };
    }
    const links: Record<string, LinkSpec> = {};
    for (const l of entity.links) {
      if (!withFactory.has(l.target)) continue;
      links[l.label] = { target: l.target, has: l.has, back: l.targetLabel, ...(l.required ? { required: true as const } : {}) };
    }
    specs[entity.name] = { attrs, links };
  }
  return specs;
}
