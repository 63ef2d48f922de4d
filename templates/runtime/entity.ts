import type * as z from 'zod/mini';

export type ValueType = 'string' | 'number' | 'boolean' | 'date' | 'json';

/** What the runtime knows of an entity: generated per entity, read by validation and the query helpers. */
export interface EntityDef {
  name: string;
  /** Attribute name → value type, with `!` appended when indexed (comparisons and `$like` need it). */
  attrs: Readonly<Record<string, string>>;
  /** Link label → target entity, with `[]` appended for has-many. */
  links: Readonly<Record<string, string>>;
  validators: { create: z.ZodMiniType; update: z.ZodMiniType };
}

export function linkTargetOf(def: EntityDef, label: string): { target: string; many: boolean } | undefined {
  const spec = Object.prototype.hasOwnProperty.call(def.links, label) ? def.links[label] : undefined;
  if (spec === undefined) return undefined;
  return spec.endsWith('[]') ? { target: spec.slice(0, -2), many: true } : { target: spec, many: false };
}

export function hasAttr(def: EntityDef, name: string): boolean {
  return name === 'id' || Object.prototype.hasOwnProperty.call(def.attrs, name);
}
