// Upgrades a data file written by instant-codegen 0.1 (storage version 1: uuid text for apps and attrs in
// every triple, no sort_value) to the current layout, inside the caller's transaction: the file is either
// fully migrated or left as it was.

import { decode } from '../json.js';
import type { Attr } from './attrs.js';
import type { Db } from './db.js';
import { sortValue } from './sortValue.js';

const V1_TABLES = ['apps', 'attrs', 'triples'];
const V1_INDEXES = ['attrs_by_forward_ident', 'attrs_by_reverse_ident', 'triples_by_attr_value'];

export function migrateFromV1(db: Db, ddl: string): void {
  for (const index of V1_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index}`);
  for (const table of V1_TABLES) db.exec(`ALTER TABLE ${table} RENAME TO ${table}_v1`);
  db.exec(ddl);
  db.exec(`
    INSERT INTO apps (id, admin_token_hash, created_at) SELECT id, admin_token_hash, created_at FROM apps_v1;
    INSERT INTO attrs SELECT * FROM attrs_v1;
    INSERT INTO attr_keys (app, attr_id)
      SELECT DISTINCT a.key, t.attr_id FROM triples_v1 t JOIN apps a ON a.id = t.app_id;
  `);
  copyTriples(db);
  for (const table of [...V1_TABLES].reverse()) db.exec(`DROP TABLE ${table}_v1`);
}

interface V1Triple {
  app: number;
  entity_id: string;
  attr: number;
  value: string;
  created_at: number;
  label: string | null;
  is_indexed: number | null;
  checked_data_type: Attr['checkedType'] | null;
}

/** Copied in pages along the old primary key: the connection can't write while a statement iterates. */
function copyTriples(db: Db): void {
  const page = db.prepare<[string, string, string, string], V1Triple & { app_id: string; attr_id: string }>(`
    SELECT t.app_id, t.attr_id, a.key AS app, t.entity_id, k.key AS attr, t.value, t.created_at,
           d.label, d.is_indexed, d.checked_data_type
    FROM triples_v1 t
    JOIN apps a ON a.id = t.app_id
    JOIN attr_keys k ON k.app = a.key AND k.attr_id = t.attr_id
    LEFT JOIN attrs d ON d.app_id = t.app_id AND d.id = t.attr_id
    WHERE (t.app_id, t.entity_id, t.attr_id, t.value) > (?, ?, ?, ?)
    ORDER BY t.app_id, t.entity_id, t.attr_id, t.value
    LIMIT 10000`);
  const insert = db.prepare('INSERT INTO triples (app, entity_id, attr, value, created_at, sort_value) VALUES (?, ?, ?, ?, ?, ?)');
  let after: [string, string, string, string] = ['', '', '', ''];
  for (;;) {
    const rows = page.all(...after);
    if (rows.length === 0) return;
    for (const r of rows) {
      const attr = { label: r.label ?? '', indexed: r.is_indexed === 1, checkedType: r.checked_data_type ?? undefined };
      insert.run(r.app, r.entity_id, r.attr, r.value, r.created_at, sortValue(attr, decode(r.value), r.created_at));
    }
    const last = rows[rows.length - 1];
    after = [last.app_id, last.entity_id, last.attr_id, last.value];
  }
}
