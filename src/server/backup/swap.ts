// Puts a fully staged shadow app in the place of the target app, in one SQLite transaction: the target's
// triples, attrs and storage keys go, the shadow takes its id and admin token. Readers see either the old
// data or the whole backup, never a part of it.

import type { Engine } from '../engine.js';

const MARKER = 'backup-staging:';

export function swapInStaged(engine: Engine, targetId: string, stagingId: string): void {
  const { db } = engine;
  engine.replaceAppStorage(targetId, () => {
    const target = db.prepare<[string], { key: number; admin_token_hash: string }>('SELECT key, admin_token_hash FROM apps WHERE id = ?').get(targetId);
    if (!target) throw new Error(`no app ${targetId} to restore the backup into`);
    db.prepare('DELETE FROM triples WHERE app = ?').run(target.key);
    // Cascades to its attrs (by app id) and attr_keys (by app key).
    db.prepare('DELETE FROM apps WHERE key = ?').run(target.key);
    // attrs reference apps(id): both renames happen before the (deferred) foreign key check at commit.
    db.pragma('defer_foreign_keys = ON');
    db.prepare('UPDATE attrs SET app_id = ? WHERE app_id = ?').run(targetId, stagingId);
    db.prepare('UPDATE apps SET id = ?, admin_token_hash = ? WHERE id = ?').run(targetId, target.admin_token_hash, stagingId);
    db.prepare('DELETE FROM meta WHERE key = ?').run(MARKER + stagingId);
  });
}
