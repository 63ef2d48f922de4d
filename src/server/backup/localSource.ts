// Exports from the local server's database: triples read in pages by entity id (keyset pages keep memory
// flat and never hold the connection between pages), grouped per entity as backup.clj does.

import { Readable } from 'node:stream';
import type { Engine } from '../engine.js';
import { RulesPolicy } from '../permissions/policy.js';
import type { Attr } from '../storage/attrs.js';
import { BackupError } from './errors.js';
import type { BlobStore } from '../files/blobStore.js';
import { attrsToDefs } from './schemaDefs.js';
import type { BackupSource, FileRow } from './source.js';
import { fileLocationsOf } from './appFiles.js';

const PAGE_ROWS = 5000;

interface Row {
  entity_id: string;
  attr: number;
  value: string;
  created_at: number;
}

export function localSource(engine: Engine, appId: string, blobStore: BlobStore | undefined): BackupSource {
  const attrs = () => engine.attrs(appId);
  return {
    appId,
    schema: async () => attrsToDefs(attrs().all),
    rules: async () => {
      const policy = engine.policyFor(appId);
      return policy instanceof RulesPolicy ? (policy.rules.doc as object) : null;
    },
    namespaces: async () => [...new Set(attrs().all.map((a) => a.etype))].sort(),
    lines: (ns) => entityLines(engine, appId, attrs().ofEtype(ns)),
    files: async function* () {
      for (const locationId of [...fileLocationsOf(engine, appId)].sort()) yield { locationId };
    },
    openFile: async (locationId: string, _row: FileRow) => {
      const stream = blobStore?.open(appId, locationId);
      if (!stream) throw new BackupError(`$files row with location-id ${locationId} has no stored blob${blobStore ? '' : ' (no blob store given)'}`, `files/${locationId}`);
      return stream instanceof Readable ? stream : Readable.from(stream as AsyncIterable<Uint8Array>);
    },
  };
}

async function* entityLines(engine: Engine, appId: string, ofEtype: readonly Attr[]): AsyncGenerator<{ line: string; triples: number }> {
  const app = engine.triples.keys.app(appId);
  const byKey = new Map<number, Attr>();
  for (const a of ofEtype) {
    const key = engine.triples.keys.attr(app, a.id);
    if (key !== undefined) byKey.set(key, a);
  }
  if (byKey.size === 0) return;
  const many = new Set(ofEtype.filter((a) => a.cardinality === 'many').map((a) => a.label));
  // Keys are integers from the database: safe to inline.
  const sql = `SELECT entity_id, attr, value, created_at FROM triples WHERE app = ? AND entity_id > ? AND attr IN (${[...byKey.keys()].join(',')}) ORDER BY entity_id, attr, value LIMIT ${PAGE_ROWS}`;
  const page = engine.triples.statement<[number, string], Row>(sql);
  let after = '';
  while (true) {
    let rows = page.all(app, after);
    if (rows.length === 0) return;
    if (rows.length === PAGE_ROWS) {
      // The last entity may continue on the next page: leave it to that page (a single huge entity is read whole).
      const last = rows[rows.length - 1].entity_id;
      const cut = rows.findIndex((r) => r.entity_id === last);
      rows = cut > 0 ? rows.slice(0, cut) : engine.triples.statement<[number, string], Row>(sql.replace('entity_id > ?', 'entity_id = ?').replace(/ LIMIT \d+$/, '')).all(app, last);
    }
    for (const group of groupByEntity(rows)) yield { line: lineOf(group, byKey, many), triples: group.length };
    after = rows[rows.length - 1].entity_id;
    // Let the server answer requests between pages.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function* groupByEntity(rows: Row[]): Generator<Row[]> {
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    if (i === rows.length || rows[i].entity_id !== rows[start].entity_id) {
      yield rows.slice(start, i);
      start = i;
    }
  }
}

/** backup.clj flush-ent: `{"entity":{label: value, manyLabel: [values]},"createdAt":<id triple's created_at>}`. */
function lineOf(rows: Row[], byKey: Map<number, Attr>, many: Set<string>): string {
  const fields = new Map<string, string[]>();
  let createdAt = rows[0].created_at;
  for (const r of rows) {
    const attr = byKey.get(r.attr)!;
    if (attr.label === 'id') createdAt = r.created_at;
    const list = fields.get(attr.label) ?? [];
    list.push(r.value);
    fields.set(attr.label, list);
  }
  const parts: string[] = [];
  for (const [label, values] of [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    parts.push(`${JSON.stringify(label)}:${many.has(label) ? `[${values.join(',')}]` : values[0]}`);
  }
  return `{"entity":{${parts.join(',')}},"createdAt":${createdAt}}`;
}
