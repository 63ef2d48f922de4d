export type ValueType = 'string' | 'number' | 'boolean' | 'date' | 'json';
/** `string`: required; `string*`: required on create, may be null (`.clientRequired()`); `string?`: optional. */
export type AttrSpec = ValueType | `${ValueType}*` | `${ValueType}?`;

/** What a generated entity module declares about its entity: plain data, cheap for the type checker. */
export interface EntitySpec {
  name: string;
  attrs: Readonly<Record<string, AttrSpec>>;
  /** System attributes only the server sets (`$files.size`, ...): readable in queries, refused in writes. */
  readonlyAttrs?: Readonly<Record<string, AttrSpec>>;
  /** Link label → target entity, with `[]` appended for has-many. */
  links: Readonly<Record<string, string>>;
}

/**
 * An entity's spec, carrying its generated create/update types. The runtime validates writes from the spec
 * with plain functions (validate.ts); zod schemas are built from it only when `schemas.js` is imported.
 */
export interface EntityDef<Create = unknown, Update = unknown> extends EntitySpec {
  /** Types only: never set. */
  readonly __types?: { create: Create; update: Update };
}

export function defineEntity<Create, Update>(spec: EntitySpec): EntityDef<Create, Update> {
  return spec;
}

export function linkTargetOf(def: EntitySpec, label: string): { target: string; many: boolean } | undefined {
  const spec = Object.prototype.hasOwnProperty.call(def.links, label) ? def.links[label] : undefined;
  if (spec === undefined) return undefined;
  return spec.endsWith('[]') ? { target: spec.slice(0, -2), many: true } : { target: spec, many: false };
}

export function hasAttr(def: EntitySpec, name: string): boolean {
  const own = (o: object | undefined) => !!o && Object.prototype.hasOwnProperty.call(o, name);
  return name === 'id' || own(def.attrs) || own(def.readonlyAttrs);
}

/** The value type of an attr spec and whether null is allowed / the attr may be left out on create. */
export function parseAttrSpec(spec: AttrSpec): { type: ValueType; nullable: boolean; optional: boolean } {
  const last = spec[spec.length - 1];
  const type = (last === '?' || last === '*' ? spec.slice(0, -1) : spec) as ValueType;
  return { type, nullable: last === '?' || last === '*', optional: last === '?' };
}
