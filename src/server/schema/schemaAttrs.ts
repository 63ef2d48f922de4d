// Turns the schema IR into attrs, the way Instant's `schema.clj` maps a pushed schema:
// data attr → blob, cardinality one, checked type unless json; link → ref attr owned by `forward.on`,
// cardinality `forward.has`, unique when `reverse.has` is "one", `onDelete` on either side → cascade.

import type { SchemaIR } from '../../ir/types.js';
import type { Attr, AttrIndex, AttrSpec, AttrStore, CheckedType } from '../storage/attrs.js';
import { SYSTEM_ATTRS, isSystemAttr } from './systemCatalog.js';

export function schemaAttrSpecs(schema: SchemaIR): AttrSpec[] {
  const specs: AttrSpec[] = [];
  for (const entity of schema.entities) {
    specs.push(idAttrSpec(entity.name));
    for (const a of entity.attrs) {
      specs.push({
        etype: entity.name,
        label: a.name,
        valueType: 'blob',
        cardinality: 'one',
        unique: a.unique,
        indexed: a.indexed,
        required: a.required,
        ...(a.valueType === 'json' ? {} : { checkedType: a.valueType as CheckedType }),
        catalog: 'user',
      });
    }
  }
  for (const link of schema.links) {
    specs.push({
      etype: link.forward.on,
      label: link.forward.label,
      revEtype: link.reverse.on,
      revLabel: link.reverse.label,
      valueType: 'ref',
      cardinality: link.forward.has,
      unique: link.reverse.has === 'one',
      indexed: false,
      required: link.forward.required === true,
      ...(link.forward.onDelete === 'cascade' ? { onDelete: 'cascade' as const } : {}),
      ...(link.reverse.onDelete === 'cascade' ? { onDeleteReverse: 'cascade' as const } : {}),
      catalog: 'user',
    });
  }
  return specs;
}

/** Every namespace has an `id` attr whose value is the entity id. */
export function idAttrSpec(etype: string): AttrSpec {
  return {
    etype,
    label: 'id',
    valueType: 'blob',
    cardinality: 'one',
    unique: true,
    indexed: false,
    required: false,
    catalog: 'user',
  };
}

/**
 * Creates missing attrs and updates changed ones (matched by forward identity). Attrs that the schema no
 * longer mentions are kept with their data, as Instant does until a destructive push. Returns the data
 * attrs that became indexed, whose existing entities need explicit nulls (see GroupWriter).
 */
export function syncAttrs(store: AttrStore, appId: string, current: AttrIndex, schema: SchemaIR | undefined): Attr[] {
  const newlyIndexed: Attr[] = [];
  const specs = [...SYSTEM_ATTRS, ...(schema ? schemaAttrSpecs(schema).filter((s) => !isSystemAttr(s.etype, s.label)) : [])];
  for (const spec of specs) {
    const existing = current.fwd(spec.etype, spec.label);
    const attr = upsertAttr(store, appId, existing, spec);
    if (attr.indexed && !existing?.indexed && attr.valueType === 'blob' && attr.catalog === 'user') newlyIndexed.push(attr);
  }
  return newlyIndexed;
}

function upsertAttr(store: AttrStore, appId: string, existing: Attr | undefined, spec: AttrSpec): Attr {
  if (!existing) return store.insert(appId, spec);
  const next: Attr = { ...spec, id: existing.id };
  if (!sameAttr(existing, next)) store.update(appId, next);
  return next;
}

function sameAttr(a: Attr, b: Attr): boolean {
  const keys: (keyof Attr)[] = [
    'revEtype',
    'revLabel',
    'valueType',
    'cardinality',
    'unique',
    'indexed',
    'required',
    'checkedType',
    'onDelete',
    'onDeleteReverse',
    'catalog',
  ];
  return keys.every((k) => a[k] === b[k]);
}
