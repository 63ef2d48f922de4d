// Webhooks on the local server: the one entry point the HTTP routes and startServer use. It listens to the
// engine's commits, turns each transaction's entity changes into an event per matching webhook, delivers
// events (delivery.ts), serves payloads and the signing keys, and runs the manager's operations.

import type { Commit, Engine } from '../engine.js';
import type { Db } from '../storage/db.js';
import { paramMalformed, recordNotFound, validationError } from '../errors.js';
import { ChangeRecorder } from './changes.js';
import { Deliverer, type DeliveryOptions } from './delivery.js';
import { isnOfTx, payloadIdempotencyKey, recordIdempotencyKey, txOfIsn } from './isn.js';
import { verifyPayloadJwt } from './jwt.js';
import { SigningKey, type Jwk } from './keys.js';
import { WebhookManager } from './manager.js';
import { WebhookStore, type ChangeRecord, type EventRow, type WebhookRow } from './store.js';

export type { DeliveryOptions as WebhookOptions } from './delivery.js';
export type { EventRow, WebhookRow } from './store.js';

const DAY_MS = 86_400_000;
/** Events listed: the last 60 days (model/webhook.clj `events-max-age`, the floor of `get-events`). */
const EVENTS_LISTED_MS = 60 * DAY_MS;
/**
 * Events kept: 90 days. Instant reads a single event from the 3 most recent 30-day partitions
 * (`get-event-by-isn`, `events-bucket-count`) and truncates older ones; here older rows are deleted.
 */
const EVENTS_KEPT_MS = 90 * DAY_MS;
const PRUNE_EVERY_MS = 3_600_000;

export interface PayloadRecord extends ChangeRecord {
  idempotencyKey: string;
}

export class WebhookService {
  readonly store: WebhookStore;
  readonly manager: WebhookManager;
  private readonly key: SigningKey;
  private readonly recorder: ChangeRecorder;
  private readonly deliverer: Deliverer;
  private readonly detach: () => void;
  private watched = new Set<string>();
  private origin = 'http://127.0.0.1';
  private prunedAt = -Infinity;

  constructor(
    private readonly engine: Engine,
    db: Db,
    options: DeliveryOptions & { log: (line: string) => void },
  ) {
    this.store = new WebhookStore(db);
    this.key = SigningKey.load(db);
    this.recorder = new ChangeRecorder(db, engine);
    this.deliverer = new Deliverer({ store: this.store, key: this.key, origin: () => this.origin, log: options.log }, options);
    this.manager = new WebhookManager(engine, this.store, () => this.refreshWatched());
    this.refreshWatched();
    this.detach = engine.onCommit((commit) => this.committed(commit));
  }

  /** Once the server listens: its URL is the payload URLs' origin; what a previous run left undelivered goes out. */
  start(origin: string): void {
    this.origin = origin;
    this.prune();
    for (const event of this.store.unfinishedEvents()) {
      this.deliverer.schedule(event, event.nextAttemptAfter === null ? 0 : event.nextAttemptAfter - Date.now());
    }
  }

  close(): void {
    this.detach();
    this.deliverer.close();
  }

  jwks(): { keys: Jwk[] } {
    return this.key.jwks();
  }

  private refreshWatched(): void {
    this.watched = new Set(this.store.appsWithActiveWebhooks());
    this.recorder.watchApps([...this.watched]);
  }

  /** Runs right after the commit (synchronously: the entities' state is still the transaction's). */
  private committed(commit: Commit): void {
    if (commit.txId === undefined || !this.watched.has(commit.appId)) return;
    const records = this.recorder.take(commit.appId, commit.txId);
    if (!records.length) return;
    const now = this.deliverer.now();
    if (now - this.prunedAt >= PRUNE_EVERY_MS) this.prune();
    const events: EventRow[] = [];
    for (const webhook of this.store.list(commit.appId)) {
      if (webhook.status !== 'active' || !records.some((r) => matches(webhook, r))) continue;
      events.push({ webhookId: webhook.id, appId: commit.appId, txId: commit.txId, status: 'pending', attempts: null, nextAttemptAfter: null, createdAt: now, updatedAt: now });
    }
    if (!events.length) return;
    this.store.saveChanges(commit.appId, commit.txId, records);
    for (const event of events) {
      this.store.insertEvent(event);
      this.deliverer.schedule(event);
    }
  }

  /**
   * `GET /webhooks/payload/:app/:webhook/:isn`: the records the webhook's namespaces and actions select now
   * (webhook_routes.clj `get-payload`). `jwt` is checked against the path; without one the caller is an admin.
   */
  payload(appId: string, webhookId: string, isn: string, jwt: string | undefined): { data: PayloadRecord[]; idempotencyKey: string } {
    if (jwt !== undefined) verifyPayloadJwt(this.key, this.origin, jwt, { appId, webhookId, isn }, this.deliverer.now());
    const webhook = this.manager.get(appId, webhookId);
    const txId = txOfIsnOrThrow(isn);
    const records = this.store.changes(appId, txId) ?? [];
    const data = records
      .filter((r) => matches(webhook, r))
      .map((r) => ({ ...r, idempotencyKey: recordIdempotencyKey(r.namespace, r.action, r.id, isn) }));
    return { data, idempotencyKey: payloadIdempotencyKey(webhookId, isn) };
  }

  /** `webhook-events-get`: one page, newest first, of the events of the last 60 days. */
  events(appId: string, webhookId: string, limit: number, after?: { createdAt: number; txId: number }): EventRow[] {
    return this.store.events(appId, webhookId, limit, this.deliverer.now() - EVENTS_LISTED_MS, after);
  }

  /** Deletes events past the retention (and the changes only they needed); at start-up and hourly on commits. */
  private prune(): void {
    this.prunedAt = this.deliverer.now();
    this.store.pruneEvents(this.prunedAt - EVENTS_KEPT_MS);
  }

  /** `requeue!`: any event not being delivered right now goes out again, with the same idempotency key. */
  resend(appId: string, webhookId: string, txId: number): EventRow {
    const event = this.store.event(appId, webhookId, txId);
    if (!event || this.deliverer.isInFlight(event)) {
      throw validationError('webhook-events', { 'app-id': appId, 'webhook-id': webhookId, isn: isnOfTx(txId) }, [
        { message: 'Could not resend event. Try again in one minute.' },
      ]);
    }
    const requeued: EventRow = { ...event, status: 'pending', nextAttemptAfter: null, updatedAt: Date.now() };
    this.store.setEvent(requeued);
    this.deliverer.schedule(requeued);
    return requeued;
  }

  event(appId: string, webhookId: string, txId: number): EventRow {
    const event = this.store.event(appId, webhookId, txId);
    if (!event) throw recordNotFound('webhook-event', { args: [{ 'app-id': appId, 'webhook-id': webhookId, isn: isnOfTx(txId) }] });
    return event;
  }
}

function matches(webhook: WebhookRow, record: ChangeRecord): boolean {
  return webhook.namespaces.includes(record.namespace) && webhook.actions.includes(record.action);
}


function txOfIsnOrThrow(isn: string): number {
  const txId = txOfIsn(isn);
  if (txId === undefined) throw paramMalformed(['params', '*'], isn);
  return txId;
}
