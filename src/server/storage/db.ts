// Opens the SQLite database, creates the storage schema, and migrates files written by older versions.
//
// The layout follows Instant's triple store (server/resources/migrations in instantdb/instant): `attrs`
// (one row per attribute, keyed by app), `triples` (entity, attr, JSON value, created_at) and
// `transactions` (a monotonic integer per /admin/transact). Uniqueness and cardinality are enforced by
// the transaction executor, not by SQL constraints, because they depend on attr flags that can change
// when the schema changes.
//
// Triples name their app and attr by small integer keys (`apps.key`, `attr_keys.key`), not by uuid
// text: every index repeats those columns, and integers halve the size of the database (measured at
// 600,000 triples: 122 MB against 259 MB), which is what an in-memory server holds in RAM.
//
// Indexes, with Instant's names for what they serve:
//   primary key (app, entity_id, attr, value)  `eav`: an entity's triples, forward links
//   triples_by_attr_value (app, attr, value)   `ave`/`vae`: equality, lookups, uniqueness, reverse links
//   triples_by_attr_sort (app, attr, sort_value)
//       typed comparisons, `$like` prefixes and ordered pages: `sort_value` is the typed value of an
//       indexed attr with a checked type (dates as epoch ms) and, for an `id` triple, the entity's
//       serverCreatedAt; NULL otherwise (null values sort first, as Instant's `nulls first`).
// WITHOUT ROWID secondary indexes carry the primary key, so each index also yields the entity id.

import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrateFromV1 } from './migrate.js';

export type Db = Database.Database;

export const SCHEMA_VERSION = 2;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS apps (
  key              INTEGER PRIMARY KEY,
  id               TEXT NOT NULL UNIQUE,
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

-- The storage key of every attr id a triple was ever written with (also attrs a transaction creates
-- before its add-attr step runs). Append-only: a key is never reused for another attr.
CREATE TABLE IF NOT EXISTS attr_keys (
  key     INTEGER PRIMARY KEY,
  app     INTEGER NOT NULL REFERENCES apps(key) ON DELETE CASCADE,
  attr_id TEXT NOT NULL,
  UNIQUE (app, attr_id)
);

-- value is canonical JSON text; created_at is the server time (ms) of the transaction that wrote it.
-- sort_value has no declared type on purpose: BLOB affinity stores numbers and text as given.
CREATE TABLE IF NOT EXISTS triples (
  app        INTEGER NOT NULL,
  entity_id  TEXT NOT NULL,
  attr       INTEGER NOT NULL,
  value      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  sort_value,
  PRIMARY KEY (app, entity_id, attr, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS triples_by_attr_value ON triples (app, attr, value);
CREATE INDEX IF NOT EXISTS triples_by_attr_sort ON triples (app, attr, sort_value);

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
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    ownerOnly(file);
  }
  const db = new Database(file ?? ':memory:');
  try {
    configure(db, Boolean(file));
    db.transaction(() => createOrMigrate(db, file)).immediate();
    // Only now: a migration renames tables that foreign keys point at.
    db.pragma('foreign_keys = ON');
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/**
 * The data file holds secrets (the webhook signing key, the url-signing secret, refresh tokens' hashes):
 * readable by its owner only. SQLite gives the -wal and -shm files the main file's mode.
 */
function ownerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

function createOrMigrate(db: Db, file: string | undefined): void {
  const version = storedVersion(db);
  if (version !== undefined && version > SCHEMA_VERSION) {
    throw new Error(
      `${file} was written by a newer version of instant-codegen (storage version ${version}; this one reads up to ${SCHEMA_VERSION}). ` +
        'Upgrade instant-codegen, or start the server on another data file.',
    );
  }
  if (version === 1) migrateFromV1(db, DDL);
  else db.exec(DDL);
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
}

function storedVersion(db: Db): number | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return undefined;
  const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get();
  return row ? Number(row.value) : undefined;
}

function configure(db: Db, onDisk: boolean): void {
  if (!onDisk) return;
  // WAL lets readers proceed during a write. synchronous=FULL fsyncs the WAL on every commit: an
  // acknowledged /admin/transact must survive a power loss, which NORMAL does not promise in WAL mode
  // (it only survives application crashes). Local write volumes are small, so the fsync cost is fine.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
}
