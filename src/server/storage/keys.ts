// The integer storage keys of apps and attrs (see db.ts for why triples use them), cached in memory.
// A committed key never changes, so the caches only go stale when a transaction that allocated keys is
// rolled back: the engine calls `forget()` then. Misses are not cached, so keys another process on the
// same file allocated are found on first use.

import type { Db } from './db.js';

export class StorageKeys {
  private readonly apps = new Map<string, number>();
  /** app key → attr id → attr key */
  private readonly attrKeys = new Map<number, Map<string, number>>();
  private readonly attrIds = new Map<number, string>();
  private readonly selectApp;
  private readonly selectAttrKey;
  private readonly selectAttrId;
  private readonly insertAttrKey;

  constructor(db: Db) {
    this.selectApp = db.prepare<[string], { key: number }>('SELECT key FROM apps WHERE id = ?');
    this.selectAttrKey = db.prepare<[number, string], { key: number }>('SELECT key FROM attr_keys WHERE app = ? AND attr_id = ?');
    this.selectAttrId = db.prepare<[number], { attr_id: string }>('SELECT attr_id FROM attr_keys WHERE key = ?');
    this.insertAttrKey = db.prepare('INSERT INTO attr_keys (app, attr_id) VALUES (?, ?)');
  }

  /** The app's key; throws for an app that does not exist (callers check apps first). */
  app(appId: string): number {
    let key = this.apps.get(appId);
    if (key === undefined) {
      key = this.selectApp.get(appId)?.key;
      if (key === undefined) throw new Error(`no app ${appId} in the database`);
      this.apps.set(appId, key);
    }
    return key;
  }

  /** The attr's key, or undefined when no triple was ever written with it (so none exists). */
  attr(app: number, attrId: string): number | undefined {
    let key = this.attrKeys.get(app)?.get(attrId);
    if (key === undefined) {
      key = this.selectAttrKey.get(app, attrId)?.key;
      if (key !== undefined) this.remember(app, key, attrId);
    }
    return key;
  }

  /** The attr's key, allocated on first use (inside a write transaction). */
  attrForWrite(app: number, attrId: string): number {
    const known = this.attr(app, attrId);
    if (known !== undefined) return known;
    const key = Number(this.insertAttrKey.run(app, attrId).lastInsertRowid);
    this.remember(app, key, attrId);
    return key;
  }

  /** The attr id behind a key read from a triple. */
  attrId(key: number): string {
    let id = this.attrIds.get(key);
    if (id === undefined) {
      id = this.selectAttrId.get(key)?.attr_id;
      if (id === undefined) throw new Error(`no attr with storage key ${key}`);
      this.attrIds.set(key, id);
    }
    return id;
  }

  forget(): void {
    this.apps.clear();
    this.attrKeys.clear();
    this.attrIds.clear();
  }

  private remember(app: number, key: number, attrId: string): void {
    let ofApp = this.attrKeys.get(app);
    if (!ofApp) this.attrKeys.set(app, (ofApp = new Map()));
    ofApp.set(attrId, key);
    this.attrIds.set(key, attrId);
  }
}
