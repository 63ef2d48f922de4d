// Attributes Instant's system catalog gives a system namespace whether or not the schema declares them
// (server/src/instant/system_catalog.clj): `$files` rows always carry `path`, `size`, `content-type`,
// `content-disposition`, `location-id`, `key-version` and a computed `url` (db/instaql.clj L1050-1096).
// The generated client types them in results and queries (where, order, fields, lookups) but not in
// writes: only the server sets them (permissioned_transaction.clj `prevent-system-column-updates`; `path`
// can be renamed when the schema declares it).

import type { AttrIR, EntityIR } from '../ir/types.js';

function attr(name: string, valueType: 'string' | 'number', props: { unique?: boolean; indexed?: boolean } = {}): AttrIR {
  return { name, valueType, dsl: valueType, required: true, clientRequired: false, unique: props.unique ?? false, indexed: props.indexed ?? false };
}

const SYSTEM_ATTRS: Record<string, readonly AttrIR[]> = {
  $files: [
    attr('content-disposition', 'string', { indexed: true }),
    attr('content-type', 'string', { indexed: true }),
    attr('key-version', 'number'),
    attr('location-id', 'string', { unique: true, indexed: true }),
    attr('path', 'string', { unique: true, indexed: true }),
    attr('size', 'number', { indexed: true }),
    attr('url', 'string'),
  ],
};

/** The system attributes of `entity` that its schema does not declare (read-only for the client). */
export function readOnlySystemAttrs(entity: EntityIR): AttrIR[] {
  const declared = new Set(entity.attrs.map((a) => a.name));
  const system = Object.hasOwn(SYSTEM_ATTRS, entity.name) ? SYSTEM_ATTRS[entity.name] : [];
  return system.filter((a) => !declared.has(a.name));
}

/** Declared and system attributes, sorted by name (for results and queries). */
export function readableAttrs(entity: EntityIR): AttrIR[] {
  return [...entity.attrs, ...readOnlySystemAttrs(entity)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
