// The webhook tables (migrations/109_add_webhooks.up.sql, reduced to what one process needs): webhooks,
// their events (one per webhook and transaction, with the delivery log in `attempts`), and the entity changes
// of each transaction that produced an event, from which payloads are built on request (as Instant builds
// them from its WAL record, filtered by the webhook's current namespaces and actions).

import type { Db } from '../storage/db.js';

const DDL = `
CREATE TABLE IF NOT EXISTS webhooks (
  id              TEXT PRIMARY KEY,
  app_id          TEXT NOT NULL,
  url             TEXT NOT NULL,
  namespaces      TEXT NOT NULL,
  actions         TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
  disabled_reason TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webhooks_by_app ON webhooks (app_id, created_at);

CREATE TABLE IF NOT EXISTS webhook_events (
  webhook_id         TEXT NOT NULL,
  app_id             TEXT NOT NULL,
  tx_id              INTEGER NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'success', 'error', 'failed')),
  attempts           TEXT,
  next_attempt_after INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  PRIMARY KEY (webhook_id, tx_id)
);
CREATE INDEX IF NOT EXISTS webhook_events_by_status ON webhook_events (status);
CREATE INDEX IF NOT EXISTS webhook_events_by_age ON webhook_events (created_at);
CREATE INDEX IF NOT EXISTS webhook_events_by_tx ON webhook_events (app_id, tx_id);

CREATE TABLE IF NOT EXISTS webhook_changes (
  app_id  TEXT NOT NULL,
  tx_id   INTEGER NOT NULL,
  records TEXT NOT NULL,
  PRIMARY KEY (app_id, tx_id)
);
`;

export type WebhookAction = 'create' | 'update' | 'delete';
export type EventStatus = 'pending' | 'processing' | 'success' | 'error' | 'failed';

export interface WebhookRow {
  id: string;
  appId: string;
  url: string;
  namespaces: string[];
  actions: WebhookAction[];
  status: 'active' | 'disabled';
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
}

/** One delivery attempt (`WebhookAttempt` in webhook_sender.clj), with Instant's JSON keys. */
export interface Attempt {
  'attempt-at': string;
  'duration-ms': number;
  'success?': boolean;
  'status-code': number | null;
  'response-text': string | null;
  'error-type': string | null;
  'error-message': string | null;
}

export interface EventRow {
  webhookId: string;
  appId: string;
  txId: number;
  status: EventStatus;
  attempts: Attempt[] | null;
  nextAttemptAfter: number | null;
  createdAt: number;
  updatedAt: number;
}

/** An entity change of one transaction, before the webhook's filter (`webhook-data-for-wal-record`). */
export interface ChangeRecord {
  namespace: string;
  id: string;
  action: WebhookAction;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

type RawWebhook = { id: string; app_id: string; url: string; namespaces: string; actions: string; status: 'active' | 'disabled'; disabled_reason: string | null; created_at: number; updated_at: number };
type RawEvent = { webhook_id: string; app_id: string; tx_id: number; status: EventStatus; attempts: string | null; next_attempt_after: number | null; created_at: number; updated_at: number };

const webhookOf = (r: RawWebhook): WebhookRow => ({
  id: r.id,
  appId: r.app_id,
  url: r.url,
  namespaces: JSON.parse(r.namespaces),
  actions: JSON.parse(r.actions),
  status: r.status,
  disabledReason: r.disabled_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const eventOf = (r: RawEvent): EventRow => ({
  webhookId: r.webhook_id,
  appId: r.app_id,
  txId: r.tx_id,
  status: r.status,
  attempts: r.attempts === null ? null : JSON.parse(r.attempts),
  nextAttemptAfter: r.next_attempt_after,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class WebhookStore {
  constructor(private readonly db: Db) {
    db.exec(DDL);
  }

  /** Newest first, like `get-all-by-app-id`. */
  list(appId: string): WebhookRow[] {
    const rows = this.db.prepare<[string], RawWebhook>('SELECT * FROM webhooks WHERE app_id = ? ORDER BY created_at DESC, rowid DESC').all(appId);
    return rows.map(webhookOf);
  }

  get(appId: string, id: string): WebhookRow | undefined {
    const row = this.db.prepare<[string, string], RawWebhook>('SELECT * FROM webhooks WHERE app_id = ? AND id = ?').get(appId, id);
    return row && webhookOf(row);
  }

  /** App ids with at least one active webhook (the only apps whose changes are recorded). */
  appsWithActiveWebhooks(): string[] {
    return this.db.prepare<[], { app_id: string }>("SELECT DISTINCT app_id FROM webhooks WHERE status = 'active'").all().map((r) => r.app_id);
  }

  insert(w: WebhookRow): void {
    this.db
      .prepare('INSERT INTO webhooks (id, app_id, url, namespaces, actions, status, disabled_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(w.id, w.appId, w.url, JSON.stringify(w.namespaces), JSON.stringify(w.actions), w.status, w.disabledReason, w.createdAt, w.updatedAt);
  }

  update(w: WebhookRow): void {
    this.db
      .prepare('UPDATE webhooks SET url = ?, namespaces = ?, actions = ?, status = ?, disabled_reason = ?, updated_at = ? WHERE app_id = ? AND id = ?')
      .run(w.url, JSON.stringify(w.namespaces), JSON.stringify(w.actions), w.status, w.disabledReason, w.updatedAt, w.appId, w.id);
  }

  /** The webhook, its events, and the changes no other event needs. */
  delete(appId: string, id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM webhooks WHERE app_id = ? AND id = ?').run(appId, id);
      this.db.prepare('DELETE FROM webhook_events WHERE app_id = ? AND webhook_id = ?').run(appId, id);
      this.deleteUnreferencedChanges();
    })();
  }

  /** Events created before `cutoff` (ms), and the changes no remaining event needs; returns how many events. */
  pruneEvents(cutoff: number): number {
    return this.db.transaction(() => {
      const { changes } = this.db.prepare('DELETE FROM webhook_events WHERE created_at < ?').run(cutoff);
      if (changes) this.deleteUnreferencedChanges();
      return changes;
    })();
  }

  private deleteUnreferencedChanges(): void {
    this.db
      .prepare('DELETE FROM webhook_changes WHERE NOT EXISTS (SELECT 1 FROM webhook_events e WHERE e.app_id = webhook_changes.app_id AND e.tx_id = webhook_changes.tx_id)')
      .run();
  }

  saveChanges(appId: string, txId: number, records: ChangeRecord[]): void {
    this.db.prepare('INSERT OR REPLACE INTO webhook_changes (app_id, tx_id, records) VALUES (?, ?, ?)').run(appId, txId, JSON.stringify(records));
  }

  changes(appId: string, txId: number): ChangeRecord[] | undefined {
    const row = this.db.prepare<[string, number], { records: string }>('SELECT records FROM webhook_changes WHERE app_id = ? AND tx_id = ?').get(appId, txId);
    return row && JSON.parse(row.records);
  }

  insertEvent(e: EventRow): void {
    this.db
      .prepare('INSERT OR IGNORE INTO webhook_events (webhook_id, app_id, tx_id, status, attempts, next_attempt_after, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.webhookId, e.appId, e.txId, e.status, e.attempts && JSON.stringify(e.attempts), e.nextAttemptAfter, e.createdAt, e.updatedAt);
  }

  event(appId: string, webhookId: string, txId: number): EventRow | undefined {
    const row = this.db
      .prepare<[string, string, number], RawEvent>('SELECT * FROM webhook_events WHERE app_id = ? AND webhook_id = ? AND tx_id = ?')
      .get(appId, webhookId, txId);
    return row && eventOf(row);
  }

  /** Newest first by (created_at, tx), created at or after `floor`, after the cursor's position when one is given. */
  events(appId: string, webhookId: string, limit: number, floor: number, after?: { createdAt: number; txId: number }): EventRow[] {
    const rows = after
      ? this.db
          .prepare<[string, string, number, number, number, number, number], RawEvent>(
            'SELECT * FROM webhook_events WHERE app_id = ? AND webhook_id = ? AND created_at >= ? AND (created_at < ? OR (created_at = ? AND tx_id < ?)) ORDER BY created_at DESC, tx_id DESC LIMIT ?',
          )
          .all(appId, webhookId, floor, after.createdAt, after.createdAt, after.txId, limit)
      : this.db
          .prepare<[string, string, number, number], RawEvent>(
            'SELECT * FROM webhook_events WHERE app_id = ? AND webhook_id = ? AND created_at >= ? ORDER BY created_at DESC, tx_id DESC LIMIT ?',
          )
          .all(appId, webhookId, floor, limit);
    return rows.map(eventOf);
  }

  /** Events a previous run left undelivered (pending, in flight when it stopped, or waiting for a retry). */
  unfinishedEvents(): EventRow[] {
    return this.db.prepare<[], RawEvent>("SELECT * FROM webhook_events WHERE status IN ('pending', 'processing', 'error')").all().map(eventOf);
  }

  setEvent(e: EventRow): void {
    this.db
      .prepare('UPDATE webhook_events SET status = ?, attempts = ?, next_attempt_after = ?, updated_at = ? WHERE webhook_id = ? AND tx_id = ?')
      .run(e.status, e.attempts && JSON.stringify(e.attempts), e.nextAttemptAfter, e.updatedAt, e.webhookId, e.txId);
  }
}
