// Row-level access to triples and transactions. Every method is one prepared statement; callers
// (the query evaluator and the transaction executor) compose them. Values cross this boundary as
// canonical JSON text (see json.ts `encode`).

import type { Db } from './db.js';

export interface TripleRow {
  entity_id: string;
  attr_id: string;
  value: string;
  created_at: number;
}

export class TripleStore {
  private readonly byEntity;
  private readonly byEntityAttr;
  private readonly byAttr;
  private readonly byAttrValue;
  private readonly nonNull;
  private readonly insertStmt;
  private readonly deleteOne;
  private readonly deleteEntityAttr;
  private readonly deleteAttr;
  private readonly fillNullsStmt;
  private readonly lastTx;
  private readonly insertTx;

  constructor(db: Db) {
    this.byEntity = db.prepare<[string, string], TripleRow>(
      'SELECT entity_id, attr_id, value, created_at FROM triples WHERE app_id = ? AND entity_id = ?',
    );
    this.byEntityAttr = db.prepare<[string, string, string], TripleRow>(
      'SELECT entity_id, attr_id, value, created_at FROM triples WHERE app_id = ? AND entity_id = ? AND attr_id = ?',
    );
    // SQLite's planner prefers the primary key's `app_id` prefix (a scan of the whole app) to this index
    // whenever the index does not cover the selected columns, even after ANALYZE: name it explicitly.
    this.byAttr = db.prepare<[string, string], TripleRow>(
      'SELECT entity_id, attr_id, value, created_at FROM triples INDEXED BY triples_by_attr_value WHERE app_id = ? AND attr_id = ?',
    );
    this.byAttrValue = db.prepare<[string, string, string], TripleRow>(
      'SELECT entity_id, attr_id, value, created_at FROM triples INDEXED BY triples_by_attr_value WHERE app_id = ? AND attr_id = ? AND value = ?',
    );
    this.nonNull = db.prepare<[string, string, string], { one: number }>(
      "SELECT 1 AS one FROM triples WHERE app_id = ? AND entity_id = ? AND attr_id = ? AND value != 'null' LIMIT 1",
    );
    this.insertStmt = db.prepare(
      'INSERT OR IGNORE INTO triples (app_id, entity_id, attr_id, value, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.deleteOne = db.prepare('DELETE FROM triples WHERE app_id = ? AND entity_id = ? AND attr_id = ? AND value = ?');
    this.deleteEntityAttr = db.prepare('DELETE FROM triples WHERE app_id = ? AND entity_id = ? AND attr_id = ?');
    this.deleteAttr = db.prepare('DELETE FROM triples WHERE app_id = ? AND attr_id = ?');
    this.fillNullsStmt = db.prepare(
      `INSERT OR IGNORE INTO triples (app_id, entity_id, attr_id, value, created_at)
       SELECT t.app_id, t.entity_id, @attrId, 'null', @createdAt FROM triples t
       WHERE t.app_id = @appId AND t.attr_id = @idAttrId
         AND NOT EXISTS (SELECT 1 FROM triples x WHERE x.app_id = t.app_id AND x.entity_id = t.entity_id AND x.attr_id = @attrId)`,
    );
    this.lastTx = db.prepare<[string], { created_at: number }>(
      'SELECT created_at FROM transactions WHERE app_id = ? ORDER BY id DESC LIMIT 1',
    );
    this.insertTx = db.prepare('INSERT INTO transactions (app_id, created_at) VALUES (?, ?)');
  }

  /** All triples of an entity, across namespaces. */
  ofEntity(appId: string, eid: string): TripleRow[] {
    return this.byEntity.all(appId, eid);
  }

  values(appId: string, eid: string, attrId: string): TripleRow[] {
    return this.byEntityAttr.all(appId, eid, attrId);
  }

  /** Whether the entity has a non-null value for the attr (one index seek, however many values it has). */
  hasNonNull(appId: string, eid: string, attrId: string): boolean {
    return this.nonNull.get(appId, eid, attrId) !== undefined;
  }

  ofAttr(appId: string, attrId: string): TripleRow[] {
    return this.byAttr.all(appId, attrId);
  }

  /** Entities holding `value` for the attr: lookups, unique checks, and sources of a link to `value`. */
  withValue(appId: string, attrId: string, valueJson: string): TripleRow[] {
    return this.byAttrValue.all(appId, attrId, valueJson);
  }

  /** Returns true when a row was written (false when the identical triple already existed). */
  insert(appId: string, eid: string, attrId: string, valueJson: string, createdAt: number): boolean {
    return this.insertStmt.run(appId, eid, attrId, valueJson, createdAt).changes > 0;
  }

  delete(appId: string, eid: string, attrId: string, valueJson: string): boolean {
    return this.deleteOne.run(appId, eid, attrId, valueJson).changes > 0;
  }

  deleteValues(appId: string, eid: string, attrId: string): void {
    this.deleteEntityAttr.run(appId, eid, attrId);
  }

  deleteAllOfAttr(appId: string, attrId: string): void {
    this.deleteAttr.run(appId, attrId);
  }

  /** Gives every entity of a namespace (per its id attr) an explicit null for `attrId` where it has no value. */
  fillNulls(appId: string, idAttrId: string, attrId: string, createdAt: number): void {
    this.fillNullsStmt.run({ appId, idAttrId, attrId, createdAt });
  }

  /**
   * Allocates the next transaction id. Its time is also the `created_at` of every triple the transaction
   * writes; it is kept strictly increasing per app so that `serverCreatedAt` order always follows commit
   * order, even for two transactions inside the same millisecond.
   */
  beginTransaction(appId: string, now: number = Date.now()): { id: number; createdAt: number } {
    const last = this.lastTx.get(appId)?.created_at ?? 0;
    const createdAt = Math.max(now, last + 1);
    const id = Number(this.insertTx.run(appId, createdAt).lastInsertRowid);
    return { id, createdAt };
  }
}
