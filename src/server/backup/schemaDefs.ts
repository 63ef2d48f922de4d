// Attrs → config.json's `schema` (model/schema.clj `attrs->schema` + `schema->defs`), for exports.
// Link names are `etype` + capitalised label, and the system attrs kept are the ones Instant's own backups
// carry (instantdb/instant server/dev-resources/zeneca-backup.zip config.json: `$files` path and url,
// `$users` email, imageURL and type, and the `$users` linkedPrimaryUser link).

import type { AdminSchemaAttr } from '../../util/adminSchema.js';
import type { DefAttr, DefLinkSide, SchemaDefs } from './config.js';

/** What both a local attr and one from a remote `GET /admin/schema` provide (a local attr may lack a checked type). */
export type AttrLike = Omit<AdminSchemaAttr, 'checkedType'> & { checkedType?: string | null };

const SYSTEM_IN_DEFS = new Set(['$files.path', '$files.url', '$users.email', '$users.imageURL', '$users.type', '$users.linkedPrimaryUser']);

function inDefs(a: AttrLike): boolean {
  if (a.label === 'id') return false;
  return a.catalog !== 'system' || SYSTEM_IN_DEFS.has(`${a.etype}.${a.label}`);
}

export function attrsToDefs(attrs: readonly AttrLike[]): SchemaDefs {
  const defs: SchemaDefs = { entities: {}, links: {} };
  const sorted = [...attrs].sort((a, b) => cmp(a.etype, b.etype) || cmp(a.label, b.label));
  for (const a of sorted) {
    if (a.label === 'id') defs.entities[a.etype] ??= { attrs: {} };
  }
  for (const a of sorted.filter(inDefs)) {
    if (a.valueType === 'ref' && a.revEtype !== undefined && a.revLabel !== undefined) {
      defs.links[linkName(a.etype, a.label)] = { forward: forward(a), reverse: reverse(a) };
    } else {
      const attr: DefAttr = { valueType: a.checkedType ?? 'any', config: { unique: a.unique, indexed: a.indexed } };
      if (a.required) attr.required = true;
      (defs.entities[a.etype] ??= { attrs: {} }).attrs[a.label] = attr;
    }
  }
  return defs;
}

function forward(a: AttrLike): DefLinkSide {
  const side: DefLinkSide = { on: a.etype, label: a.label, has: a.cardinality === 'many' ? 'many' : 'one' };
  if (a.onDelete === 'cascade') side.onDelete = 'cascade';
  if (a.required) side.required = true;
  return side;
}

function reverse(a: AttrLike): DefLinkSide {
  const side: DefLinkSide = { on: a.revEtype!, label: a.revLabel!, has: a.unique ? 'one' : 'many' };
  if (a.onDeleteReverse === 'cascade') side.onDelete = 'cascade';
  return side;
}

function linkName(etype: string, label: string): string {
  return `${etype}${label.charAt(0).toUpperCase()}${label.slice(1)}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
