// Opens the SQLite database and creates the storage schema.
//
// The layout follows Instant's triple store: `attrs` (one row per attribute, keyed by app), `triples`
// (entity, attr, JSON value, created_at) and `transactions` (a monotonic integer per /admin/transact).
// Uniqueness and cardinality are enforced by the transaction executor, not by SQL constraints, because
// they depend on attr flags that can change when the schema changes; the indexes below make every read
// the executor and the query evaluator need an index lookup.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS apps (
  id               TEXT PRIMARY KEY,
  admin_token_hash TEXT NOT NULL,
  created_at       INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS attrs (
  app_id            TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  id                TEXT NOT NULL,
  etype             TEXT NOT NULL,
  label             TEXT NOT NULL,
  rev_etype         TEXT,
  rev_label         TEXT,
  value_type        TEXT NOT NULL CHECK (value_type IN ('blob', 'ref')),
  cardinality       TEXT NOT NULL CHECK (cardinality IN ('one', 'many')),
  is_unique         INTEGER NOT NULL DEFAULT 0,
  is_indexed        INTEGER NOT NULL DEFAULT 0,
  is_required       INTEGER NOT NULL DEFAULT 0,
  checked_data_type TEXT CHECK (checked_data_type IN ('string', 'number', 'boolean', 'date')),
  on_delete         TEXT,
  on_delete_reverse TEXT,
  catalog           TEXT NOT NULL DEFAULT 'user',
  PRIMARY KEY (app_id, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS attrs_by_forward_ident ON attrs (app_id, etype, label);
CREATE INDEX IF NOT EXISTS attrs_by_reverse_ident ON attrs (app_id, rev_etype, rev_label);

-- value is canonical JSON text; created_at is the server time (ms) of the transaction that wrote it.
CREATE TABLE IF NOT EXISTS triples (
  app_id     TEXT NOT NULL,
  entity_id  TEXT NOT NULL,
  attr_id    TEXT NOT NULL,
  value      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (app_id, entity_id, attr_id, value)
) WITHOUT ROWID;
-- (attr, value) → entity: lookups, unique checks, reverse links, listing a namespace via its id attr.
CREATE INDEX IF NOT EXISTS triples_by_attr_value ON triples (app_id, attr_id, value);

CREATE TABLE IF NOT EXISTS transactions (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  app_id     TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS transactions_by_app ON transactions (app_id, id);
`;

export interface OpenOptions {
  /** File path, or undefined for an in-memory database. */
  file?: string;
}

export function openDatabase({ file }: OpenOptions): Db {
  if (file) mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file ?? ':memory:');
  configure(db, Boolean(file));
  db.exec(DDL);
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
  return db;
}

function configure(db: Db, onDisk: boolean): void {
  db.pragma('foreign_keys = ON');
  if (!onDisk) return;
  // WAL lets readers proceed during a write. synchronous=FULL fsyncs the WAL on every commit: an
  // acknowledged /admin/transact must survive a power loss, which NORMAL does not promise in WAL mode
  // (it only survives application crashes). Local write volumes are small, so the fsync cost is fine.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
}
