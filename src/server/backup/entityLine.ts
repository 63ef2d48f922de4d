// One line of `entities/<ns>.jsonl`: `{"entity": {id, label: value, link: id | [ids]}, "createdAt": ms}`
// (backup.clj flush-ent). Restored as restore.clj process-entities-from-zip-input-stream does: every key
// is the forward label of an attr of the namespace, a cardinality-many attr carries an array of values
// (one triple each), and every triple gets the line's createdAt.

import type { Attr, AttrIndex } from '../storage/attrs.js';
import { encode, isObject, isUuid, type Json } from '../json.js';

export interface EntityTriple {
  attr: Attr;
  valueJson: string;
}

export interface ParsedEntity {
  id: string;
  createdAt: number;
  triples: EntityTriple[];
  /** Keys of a system namespace the local server does not model (skipped, e.g. `$oauthClients`). */
  skipped: string[];
}

/** A problem with the line, in words; the caller adds entry and line number. */
export class LineError extends Error {}

export function parseEntityLine(text: string, etype: string, attrs: AttrIndex): ParsedEntity {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (e) {
    throw new LineError(`is not JSON (${(e as Error).message})`);
  }
  if (!isObject(row) || !isObject(row.entity)) throw new LineError('must be an object with an "entity" object, as {"entity": {"id": ...}, "createdAt": 1700000000000}');
  const createdAt = row.createdAt;
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt)) throw new LineError(`"createdAt" must be a time in ms, got ${JSON.stringify(createdAt)}`);
  const id = row.entity.id;
  if (!isUuid(id)) throw new LineError(`entity "id" must be a uuid, got ${JSON.stringify(id)}`);
  const triples: EntityTriple[] = [];
  const skipped: string[] = [];
  for (const [label, value] of Object.entries(row.entity)) {
    const attr = attrs.fwd(etype, label);
    if (!attr) {
      if (etype.startsWith('$') && !attrs.idAttr(etype)) {
        skipped.push(label);
        continue;
      }
      // restore.clj: "Missing attr for %s.%s".
      throw new LineError(`${etype}.${label} is not in the backup's schema (config.json) and has no attr to restore into`);
    }
    for (const v of attr.cardinality === 'many' ? manyValues(etype, label, value) : [value]) {
      if (attr.valueType === 'ref' && !isUuid(v)) throw new LineError(`${etype}.${label} links to ${JSON.stringify(v)}, which is not an entity id (a uuid)`);
      triples.push({ attr, valueJson: encode(attr.valueType === 'ref' || label === 'id' ? (v as string).toLowerCase() : v) });
    }
  }
  return { id: id.toLowerCase(), createdAt, triples, skipped };
}

function manyValues(etype: string, label: string, value: Json): Json[] {
  if (!Array.isArray(value)) throw new LineError(`${etype}.${label} is a has-many link: its value must be an array of ids, got ${JSON.stringify(value)}`);
  return value;
}
