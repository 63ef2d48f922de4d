// A faithful re-implementation of Instant's schema DSL (`i`), used when evaluating a user's schema so
// that generation works whether or not an `@instantdb/*` package is installed. It builds the same
// runtime structure as `@instantdb/core` (see shared/docs/schema-format.md §5).

export type ValueType = 'string' | 'number' | 'boolean' | 'date' | 'json';

export class DataAttrDef {
  constructor(
    public valueType: ValueType,
    public required: boolean,
    public isIndexed: boolean,
    public config: { indexed: boolean; unique: boolean } = { indexed: false, unique: false },
    public metadata: Record<string, unknown> = {},
  ) {}

  optional(): DataAttrDef {
    return new DataAttrDef(this.valueType, false, this.isIndexed, this.config, this.metadata);
  }
  /** Deprecated in Instant; at runtime identical to `.optional()`. */
  clientRequired(): DataAttrDef {
    return this.optional();
  }
  unique(): DataAttrDef {
    return new DataAttrDef(this.valueType, this.required, this.isIndexed, { ...this.config, unique: true }, this.metadata);
  }
  indexed(): DataAttrDef {
    return new DataAttrDef(this.valueType, this.required, true, { ...this.config, indexed: true }, this.metadata);
  }
}

export class EntityDef {
  constructor(
    public attrs: Record<string, DataAttrDef>,
    public links: Record<string, { entityName: string; cardinality: 'one' | 'many' }> = {},
  ) {}
  /** Type-only in Instant. */
  asType(): EntityDef {
    return this;
  }
}

export interface LinkSide {
  on: string;
  has: 'one' | 'many';
  label: string;
  required?: boolean;
  onDelete?: 'cascade';
}
export type LinksDef = Record<string, { forward: LinkSide; reverse: LinkSide }>;

export class InstantSchemaDef {
  constructor(
    public entities: Record<string, EntityDef>,
    public links: LinksDef,
    public rooms: Record<string, unknown> | undefined,
  ) {}
  /** Deprecated; rooms become type-only (`{}` at runtime), as in Instant. */
  withRoomSchema(): InstantSchemaDef {
    return new InstantSchemaDef(this.entities, this.links, {});
  }
}

function enrichEntitiesWithLinks(entities: Record<string, EntityDef>, links: LinksDef): Record<string, EntityDef> {
  const result: Record<string, EntityDef> = {};
  // Anything that is not an entity is kept as it is, for the shape check after evaluation to report.
  const isEntity = (e: unknown): e is EntityDef => !!e && typeof e === 'object' && !!(e as EntityDef).attrs && typeof (e as EntityDef).attrs === 'object';
  for (const [name, entity] of Object.entries(entities)) result[name] = isEntity(entity) ? new EntityDef(entity.attrs, { ...entity.links }) : entity;
  // Links without both sides are skipped here, and reported with their location after evaluation.
  const sides = Object.values(links).filter((l) => l && typeof l.forward === 'object' && l.forward && typeof l.reverse === 'object' && l.reverse);
  const own = (name: unknown) =>
    typeof name === 'string' && Object.prototype.hasOwnProperty.call(result, name) && isEntity(result[name]) ? result[name] : undefined;
  // Forward labels first, then reverse labels: a reverse label that repeats a forward one wins.
  for (const { forward, reverse } of sides) {
    const owner = own(forward.on);
    if (owner) owner.links[forward.label] = { entityName: reverse.on, cardinality: forward.has };
  }
  for (const { forward, reverse } of sides) {
    const owner = own(reverse.on);
    if (owner) owner.links[reverse.label] = { entityName: forward.on, cardinality: reverse.has };
  }
  return result;
}

/** Instant's own `i` fails on these with "Cannot convert undefined or null to object"; ours says what is wrong. */
function checkObject(call: string, what: string, value: unknown): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${call} needs \`${what}\` to be an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
}

function attr(valueType: ValueType) {
  return () => new DataAttrDef(valueType, true, false);
}

export const i = {
  schema(def: { entities: Record<string, EntityDef>; links?: LinksDef; rooms?: Record<string, unknown> }) {
    const { entities, links, rooms } = def ?? {};
    checkObject('i.schema({ entities })', 'entities', entities);
    return new InstantSchemaDef(enrichEntitiesWithLinks(entities, links ?? {}), links ?? {}, rooms ?? {});
  },
  /** Deprecated legacy form. */
  graph(entities: Record<string, EntityDef>, links: LinksDef) {
    checkObject('i.graph(entities, links)', 'entities', entities);
    return new InstantSchemaDef(enrichEntitiesWithLinks(entities, links ?? {}), links ?? {}, undefined);
  },
  entity(attrs: Record<string, DataAttrDef>) {
    return new EntityDef(attrs);
  },
  string: attr('string'),
  number: attr('number'),
  boolean: attr('boolean'),
  date: attr('date'),
  json: attr('json'),
  any: attr('json'),
};

export default { i };
