// What each committed transaction did to each entity, as before/after objects (model/webhook.clj
// `webhook-data-for-wal-record`, which reads Instant's WAL). Locally, TEMP triggers on `triples` log every
// inserted and deleted triple of the apps that have webhooks, tagged with the current transaction id; after the
// commit the entity's state now is rolled back through the log to get its state before. TEMP objects live on
// this connection only and roll back with the transaction, so dry runs and failed transactions leave nothing.
// Writes outside a transaction (schema changes, resetApp) get a stale tag and are dropped at the next commit.

import type { Engine } from '../engine.js';
import type { Db } from '../storage/db.js';
import type { AttrIndex } from '../storage/attrs.js';
import { decode, jsonEqual } from '../json.js';
import type { ChangeRecord } from './store.js';

const DDL = `
CREATE TEMP TABLE IF NOT EXISTS webhook_watched_apps (app INTEGER PRIMARY KEY);
CREATE TEMP TABLE IF NOT EXISTS webhook_triple_log (
  seq INTEGER PRIMARY KEY, tx INTEGER, app INTEGER, entity_id TEXT, attr INTEGER, value TEXT, inserted INTEGER
);
CREATE TEMP TRIGGER IF NOT EXISTS webhook_log_insert AFTER INSERT ON main.triples
WHEN NEW.app IN (SELECT app FROM temp.webhook_watched_apps)
BEGIN
  INSERT INTO temp.webhook_triple_log (tx, app, entity_id, attr, value, inserted)
  VALUES ((SELECT seq FROM main.sqlite_sequence WHERE name = 'transactions'), NEW.app, NEW.entity_id, NEW.attr, NEW.value, 1);
END;
CREATE TEMP TRIGGER IF NOT EXISTS webhook_log_delete AFTER DELETE ON main.triples
WHEN OLD.app IN (SELECT app FROM temp.webhook_watched_apps)
BEGIN
  INSERT INTO temp.webhook_triple_log (tx, app, entity_id, attr, value, inserted)
  VALUES ((SELECT seq FROM main.sqlite_sequence WHERE name = 'transactions'), OLD.app, OLD.entity_id, OLD.attr, OLD.value, 0);
END;
`;

interface LogRow {
  entity_id: string;
  attr: number;
  value: string;
  inserted: number;
}

type Entity = Record<string, unknown>;
/** etype → entity id → blob attrs by label. */
type Entities = Map<string, Map<string, Entity>>;

const SEP = '\u0000';

export class ChangeRecorder {
  private readonly appKey;
  private readonly watch;
  private readonly unwatchAll;
  private readonly logOf;
  private readonly clearLog;
  private readonly triplesOf;
  private readonly attrIdOf;

  constructor(
    db: Db,
    private readonly engine: Engine,
  ) {
    db.exec(DDL);
    this.appKey = db.prepare<[string], number>('SELECT key FROM apps WHERE id = ?').pluck();
    this.watch = db.prepare('INSERT OR IGNORE INTO temp.webhook_watched_apps (app) VALUES (?)');
    this.unwatchAll = db.prepare('DELETE FROM temp.webhook_watched_apps');
    this.logOf = db.prepare<[number, number], LogRow>('SELECT entity_id, attr, value, inserted FROM temp.webhook_triple_log WHERE app = ? AND tx = ? ORDER BY seq');
    this.clearLog = db.prepare('DELETE FROM temp.webhook_triple_log');
    this.triplesOf = db.prepare<[number, string], { attr: number; value: string }>('SELECT attr, value FROM triples WHERE app = ? AND entity_id = ?');
    this.attrIdOf = db.prepare<[number], string>('SELECT attr_id FROM attr_keys WHERE key = ?').pluck();
  }

  /** Records changes of exactly these apps from now on. */
  watchApps(appIds: readonly string[]): void {
    this.unwatchAll.run();
    for (const appId of appIds) {
      const key = this.appKey.get(appId);
      if (key !== undefined) this.watch.run(key);
    }
  }

  /** The entity changes of a committed transaction (empty when nothing was recorded), and a cleared log. */
  take(appId: string, txId: number): ChangeRecord[] {
    const key = this.appKey.get(appId);
    const log = key === undefined ? [] : this.logOf.all(key, txId);
    this.clearLog.run();
    if (log.length === 0 || key === undefined) return [];
    const attrs = this.engine.attrs(appId);
    const ids = [...new Set(log.map((r) => r.entity_id))];
    const before: Entities = new Map();
    const after: Entities = new Map();
    for (const id of ids) {
      const now = new Set(this.triplesOf.all(key, id).map((t) => `${t.attr}${SEP}${t.value}`));
      const then = new Set(now);
      // Undo the transaction's writes to this entity, last first.
      for (const row of log.filter((r) => r.entity_id === id).reverse()) {
        if (row.inserted) then.delete(`${row.attr}${SEP}${row.value}`);
        else then.add(`${row.attr}${SEP}${row.value}`);
      }
      this.addEntity(after, attrs, id, now);
      this.addEntity(before, attrs, id, then);
    }
    return recordsOf(before, after);
  }

  /** `uuids->labels`: only blob attrs (links are not part of an entity's payload), `id` first. */
  private addEntity(into: Entities, attrs: AttrIndex, id: string, triples: Set<string>): void {
    const byEtype = new Map<string, [string, unknown][]>();
    for (const triple of triples) {
      const cut = triple.indexOf(SEP);
      const attrId = this.attrIdOf.get(Number(triple.slice(0, cut)));
      const attr = attrId === undefined ? undefined : attrs.get(attrId);
      if (!attr || attr.valueType !== 'blob') continue;
      const fields = byEtype.get(attr.etype) ?? [];
      fields.push([attr.label, decode(triple.slice(cut + 1))]);
      byEtype.set(attr.etype, fields);
    }
    for (const [etype, fields] of byEtype) {
      fields.sort(([a], [b]) => (a === 'id' ? -1 : b === 'id' ? 1 : a < b ? -1 : a > b ? 1 : 0));
      const ofEtype = into.get(etype) ?? new Map<string, Entity>();
      ofEtype.set(id, Object.fromEntries(fields));
      into.set(etype, ofEtype);
    }
  }
}

/** Creates and updates first, then deletes; an update that changed no attribute (only links) is no record. */
function recordsOf(before: Entities, after: Entities): ChangeRecord[] {
  const records: ChangeRecord[] = [];
  for (const [namespace, entities] of after) {
    for (const [id, now] of entities) {
      const then = before.get(namespace)?.get(id);
      if (then && jsonEqual(then, now)) continue;
      records.push({ namespace, id, action: then ? 'update' : 'create', before: then ?? null, after: now });
    }
  }
  for (const [namespace, entities] of before) {
    for (const [id, then] of entities) {
      if (!after.get(namespace)?.has(id)) records.push({ namespace, id, action: 'delete', before: then, after: null });
    }
  }
  return records;
}
