import * as z from 'zod/mini';
import { dateValue } from './values.js';

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

/** An entity's spec with its zod validators, typed by the generated create/update types. */
export interface EntityDef<Create = unknown, Update = unknown> extends EntitySpec {
  readonly validators: { create: z.ZodMiniType<Create>; update: z.ZodMiniType<Update> };
}

/** Builds the validators from the spec at run time, so generated code has no zod types to infer. */
export function defineEntity<Create, Update>(spec: EntitySpec): EntityDef<Create, Update> {
  return { ...spec, validators: buildValidators(spec.attrs) as EntityDef<Create, Update>['validators'] };
}

function valueSchema(type: ValueType): z.ZodMiniType {
  switch (type) {
    case 'string':
      return z.string();
    case 'number':
      return z.number();
    case 'boolean':
      return z.boolean();
    case 'date':
      return dateValue;
    case 'json':
      return z.unknown();
  }
}

/** Create: unknown keys rejected, required attributes required; update/merge: every key optional. */
function buildValidators(attrs: Readonly<Record<string, AttrSpec>>) {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const [name, spec] of Object.entries(attrs)) {
    const base = valueSchema(spec.replace(/[*?]$/, '') as ValueType);
    shape[name] = spec.endsWith('?')
      ? z.optional(z.nullable(base))
      : spec.endsWith('*')
        ? z.nullable(base)
        : base;
  }
  const create = z.strictObject(shape);
  return { create, update: z.partial(create) };
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
