// Deleting blobs only once the database no longer points at them, as Instant does (migration
// 52_add_app_files_to_sweep.up.sql and storage/sweeper.clj): a trigger records every `$files.location-id`
// triple that goes away (a deleted file, a replaced one, a reset app) in `file_blobs_to_sweep`, inside the
// deleting transaction. A transaction that rolls back (a failed permission check, a dry run) takes its
// records with it, so its blobs stay; one that commits leaves them for `sweep()`, which runs after every
// commit and when the server starts (a crash between the commit and the blob's deletion).

import type { Db } from '../storage/db.js';
import type { DirBlobStore } from './blobStore.js';

const DDL = `
CREATE TABLE IF NOT EXISTS file_blobs_to_sweep (
  app         INTEGER NOT NULL,
  location_id TEXT NOT NULL,
  PRIMARY KEY (app, location_id)
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS file_blobs_sweep_on_delete AFTER DELETE ON triples
WHEN EXISTS (
  SELECT 1 FROM attr_keys k
  JOIN apps p ON p.key = k.app
  JOIN attrs a ON a.app_id = p.id AND a.id = k.attr_id
  WHERE k.key = OLD.attr AND a.etype = '$files' AND a.label = 'location-id'
)
BEGIN
  INSERT OR IGNORE INTO file_blobs_to_sweep (app, location_id) VALUES (OLD.app, json_extract(OLD.value, '$'));
END;
`;

/** Every location id the app's `$files` rows point at (json_extract: values are stored as JSON text). */
const REFERENCED = `
SELECT json_extract(t.value, '$') AS location_id FROM triples t
JOIN attr_keys k ON k.key = t.attr
JOIN apps p ON p.key = k.app
JOIN attrs a ON a.app_id = p.id AND a.id = k.attr_id
WHERE p.id = ? AND t.app = p.key AND a.etype = '$files' AND a.label = 'location-id'`;

export class BlobSweeper {
  private readonly pending;
  private readonly done;
  private readonly stillUsed;
  private readonly referenced;

  constructor(
    private readonly db: Db,
    private readonly blobs: DirBlobStore,
  ) {
    db.exec(DDL);
    this.pending = db.prepare<[], { app: number; app_id: string; location_id: string }>(
      'SELECT s.app, p.id AS app_id, s.location_id FROM file_blobs_to_sweep s JOIN apps p ON p.key = s.app',
    );
    this.done = db.prepare('DELETE FROM file_blobs_to_sweep WHERE app = ? AND location_id = ?');
    this.stillUsed = db.prepare<[string, string], { location_id: string }>(`${REFERENCED} AND t.value = json_quote(?)`);
    this.referenced = db.prepare<[string], { location_id: string }>(REFERENCED).pluck();
  }

  /** Deletes the blobs of committed deletes, except one a later write pointed at again. */
  sweep(): void {
    for (const row of this.pending.all()) {
      if (!this.stillUsed.get(row.app_id, row.location_id)) this.blobs.delete(row.app_id, row.location_id);
      this.done.run(row.app, row.location_id);
    }
  }

  /**
   * At startup: sweeps, then removes blobs no `$files` row points at (written by an upload whose row was
   * never committed) and interrupted writes. Only safe while no upload is in flight, i.e. before the
   * server listens (another server process on the same data file would lose its in-flight uploads).
   */
  reconcile(): void {
    this.sweep();
    for (const appId of this.blobs.apps()) {
      const used = new Set(this.referenced.all(appId) as unknown as string[]);
      for (const locationId of this.blobs.locations(appId)) if (!used.has(locationId)) this.blobs.delete(appId, locationId);
    }
  }
}
