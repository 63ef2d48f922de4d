// Row-level access to triples and transactions. Every method is one prepared statement; callers
// (the query evaluator and the transaction executor) compose them. Values cross this boundary as
// canonical JSON text (see json.ts `encode`), apps and attrs as their ids (keys.ts translates).

import type { Statement } from 'better-sqlite3';
import { decode } from '../json.js';
import type { Attr } from './attrs.js';
import type { Db } from './db.js';
import { StorageKeys } from './keys.js';
import { sortValue } from './sortValue.js';

export interface TripleRow {
  entity_id: string;
  attr_id: string;
  value: string;
  created_at: number;
}

interface StoredRow {
  entity_id: string;
  attr: number;
  value: string;
  created_at: number;
}

const COLUMNS = 'entity_id, attr, value, created_at';
const MAX_CACHED_STATEMENTS = 500;

export class TripleStore {
  readonly keys: StorageKeys;
  private readonly statements = new Map<string, Statement>();
  private readonly byEntity;
  private readonly byEntityAttr;
  private readonly byAttr;
  private readonly byAttrValue;
  private readonly nonNull;
  private readonly insertStmt;
  private readonly deleteOne;
  private readonly deleteEntityAttr;
  private readonly deleteAttr;
  private readonly deleteApp;
  private readonly fillNullsStmt;
  private readonly setSortValue;
  private readonly lastTx;
  private readonly insertTx;

  constructor(private readonly db: Db) {
    this.keys = new StorageKeys(db);
    this.byEntity = db.prepare<[number, string], StoredRow>(`SELECT ${COLUMNS} FROM triples WHERE app = ? AND entity_id = ?`);
    this.byEntityAttr = db.prepare<[number, string, number], StoredRow>(
      `SELECT ${COLUMNS} FROM triples WHERE app = ? AND entity_id = ? AND attr = ?`,
    );
    // The planner would otherwise prefer the primary key's `app` prefix (a scan of the whole app).
    this.byAttr = db.prepare<[number, number], StoredRow>(
      `SELECT ${COLUMNS} FROM triples INDEXED BY triples_by_attr_value WHERE app = ? AND attr = ?`,
    );
    this.byAttrValue = db.prepare<[number, number, string], StoredRow>(
      `SELECT ${COLUMNS} FROM triples INDEXED BY triples_by_attr_value WHERE app = ? AND attr = ? AND value = ?`,
    );
    this.nonNull = db.prepare<[number, string, number], { one: number }>(
      "SELECT 1 AS one FROM triples WHERE app = ? AND entity_id = ? AND attr = ? AND value != 'null' LIMIT 1",
    );
    this.insertStmt = db.prepare(
      'INSERT OR IGNORE INTO triples (app, entity_id, attr, value, created_at, sort_value) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.deleteOne = db.prepare('DELETE FROM triples WHERE app = ? AND entity_id = ? AND attr = ? AND value = ?');
    this.deleteEntityAttr = db.prepare('DELETE FROM triples WHERE app = ? AND entity_id = ? AND attr = ?');
    this.deleteAttr = db.prepare('DELETE FROM triples WHERE app = ? AND attr = ?');
    this.deleteApp = db.prepare('DELETE FROM triples WHERE app = ?');
    this.fillNullsStmt = db.prepare(
      `INSERT OR IGNORE INTO triples (app, entity_id, attr, value, created_at, sort_value)
       SELECT t.app, t.entity_id, @attr, 'null', @createdAt, NULL FROM triples t INDEXED BY triples_by_attr_value
       WHERE t.app = @app AND t.attr = @idAttr
         AND NOT EXISTS (SELECT 1 FROM triples x WHERE x.app = t.app AND x.entity_id = t.entity_id AND x.attr = @attr)`,
    );
    this.setSortValue = db.prepare('UPDATE triples SET sort_value = ? WHERE app = ? AND entity_id = ? AND attr = ? AND value = ?');
    this.lastTx = db.prepare<[string], { created_at: number }>(
      'SELECT created_at FROM transactions WHERE app_id = ? ORDER BY id DESC LIMIT 1',
    );
    this.insertTx = db.prepare('INSERT INTO transactions (app_id, created_at) VALUES (?, ?)');
  }

  /**
   * A statement for SQL the query planner builds, prepared once per distinct text. Texts differ only by
   * the shape of a query, but a client can send endless shapes: the cache starts over past a bound.
   */
  statement<P extends unknown[], R>(sql: string): Statement<P, R> {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt as Statement<P, R>;
  }

  /** All triples of an entity, across namespaces. */
  ofEntity(appId: string, eid: string): TripleRow[] {
    return this.rows(this.byEntity.all(this.keys.app(appId), eid));
  }

  values(appId: string, eid: string, attrId: string): TripleRow[] {
    const app = this.keys.app(appId);
    const attr = this.keys.attr(app, attrId);
    return attr === undefined ? [] : this.rows(this.byEntityAttr.all(app, eid, attr));
  }

  /** Whether the entity has a non-null value for the attr (one index seek, however many values it has). */
  hasNonNull(appId: string, eid: string, attrId: string): boolean {
    const app = this.keys.app(appId);
    const attr = this.keys.attr(app, attrId);
    return attr !== undefined && this.nonNull.get(app, eid, attr) !== undefined;
  }

  ofAttr(appId: string, attrId: string): TripleRow[] {
    const app = this.keys.app(appId);
    const attr = this.keys.attr(app, attrId);
    return attr === undefined ? [] : this.rows(this.byAttr.all(app, attr));
  }

  /** Entities holding `value` for the attr: lookups, unique checks, and sources of a link to `value`. */
  withValue(appId: string, attrId: string, valueJson: string): TripleRow[] {
    const app = this.keys.app(appId);
    const attr = this.keys.attr(app, attrId);
    return attr === undefined ? [] : this.rows(this.byAttrValue.all(app, attr, valueJson));
  }

  /** Returns true when a row was written (false when the identical triple already existed). */
  insert(appId: string, eid: string, attr: Attr, valueJson: string, createdAt: number): boolean {
    const app = this.keys.app(appId);
    const key = this.keys.attrForWrite(app, attr.id);
    const sort = sortValue(attr, decode(valueJson), createdAt);
    return this.insertStmt.run(app, eid, key, valueJson, createdAt, sort).changes > 0;
  }

  delete(appId: string, eid: string, attrId: string, valueJson: string): boolean {
    const app = this.keys.app(appId);
    const attr = this.keys.attr(app, attrId);
    return attr !== undefined && this.deleteOne.run(app, eid, attr, valueJson).changes > 0;
  }

  deleteValues(appId: string, eid: string, attrId: string): void {
    const app = this.keys.app(appId);
    const attr = this.keys.attr(app, attrId);
    if (attr !== undefined) this.deleteEntityAttr.run(app, eid, attr);
  }

  deleteAllOfAttr(appId: string, attrId: string): void {
    const app = this.keys.app(appId);
    const attr = this.keys.attr(app, attrId);
    if (attr !== undefined) this.deleteAttr.run(app, attr);
  }

  /** Every entity of the app; its attrs (schema) and storage keys stay (the test kit's `reset()`). */
  deleteAllOfApp(appId: string): void {
    this.deleteApp.run(this.keys.app(appId));
  }

  /** Gives every entity of a namespace (per its id attr) an explicit null for `attrId` where it has no value. */
  fillNulls(appId: string, idAttrId: string, attrId: string, createdAt: number): void {
    const app = this.keys.app(appId);
    const idAttr = this.keys.attr(app, idAttrId);
    if (idAttr === undefined) return;
    this.fillNullsStmt.run({ app, idAttr, attr: this.keys.attrForWrite(app, attrId), createdAt });
  }

  /** Recomputes `sort_value` for every triple of an attr whose index flag or checked type changed. */
  resort(appId: string, attr: Attr): void {
    const app = this.keys.app(appId);
    const key = this.keys.attr(app, attr.id);
    if (key === undefined) return;
    for (const t of this.byAttr.all(app, key)) {
      this.setSortValue.run(sortValue(attr, decode(t.value), t.created_at), app, t.entity_id, key, t.value);
    }
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

  private rows(stored: StoredRow[]): TripleRow[] {
    return stored.map((r) => ({ entity_id: r.entity_id, attr_id: this.keys.attrId(r.attr), value: r.value, created_at: r.created_at }));
  }
}
