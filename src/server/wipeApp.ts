// Deletes every entity of one app (its triples) and keeps the app, its attrs (schema) and its rules: the
// test kit's `reset()`. Other apps of the same database are untouched.

import type { Db } from './storage/db.js';

export function wipeApp(db: Db, appId: string): void {
  db.prepare('DELETE FROM triples WHERE app = (SELECT key FROM apps WHERE id = ?)').run(appId);
}
