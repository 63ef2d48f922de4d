// The manager's operations (dash/routes.clj `webhooks-post` … `webhook-event-resend-post`, model/webhook.clj
// `create!`, `update!`, `enable!`, `disable!`): validation in Instant's order and with its messages.
// One deliberate difference: Instant only accepts public https URLs; a local server also takes http and
// loopback hosts, where test receivers listen.

import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine.js';
import { recordNotFound, validationError } from '../errors.js';
import type { WebhookAction, WebhookRow, WebhookStore } from './store.js';

export const MAX_ACTIVE_WEBHOOKS = 100;
const ACTIONS: readonly string[] = ['create', 'update', 'delete'];

export interface WebhookParams {
  url?: string;
  namespaces?: string[];
  actions?: string[];
}

function invalid(dataType: string, input: unknown, message: string, hint?: Record<string, unknown>) {
  return validationError(dataType, input, [{ message, ...(hint ? { hint } : {}) }]);
}

/** `assert-valid-url!`, widened to http and loopback hosts. */
function assertValidUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('webhook', { url }, 'Invalid URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalid('webhook', { url }, 'The Webhook url must be https (the local server also accepts http).');
  }
}

/** `namespaces->id-attr-ids+topics!`: every namespace must be an entity of the app (its `id` attr). */
function assertNamespaces(engine: Engine, appId: string, namespaces: string[]): string[] {
  const attrs = engine.attrs(appId);
  for (const namespace of namespaces) {
    if (!attrs.fwd(namespace, 'id')) throw invalid('webhook', { namespace }, `Could not find matching table for ${namespace}`);
  }
  const unique = [...new Set(namespaces)];
  if (!unique.length) throw invalid('webhook', { namespaces }, 'Webhook must have at least one table.');
  return unique;
}

function assertActions(actions: string[]): WebhookAction[] {
  if (!actions.length) throw invalid('webhook', { actions }, 'Webhook must have at least one action.');
  const bad = actions.find((a) => !ACTIONS.includes(a));
  if (bad !== undefined) throw invalid('webhook', { actions }, `Unknown action ${bad}: actions are create, update and delete.`);
  return [...new Set(actions)] as WebhookAction[];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export class WebhookManager {
  constructor(
    private readonly engine: Engine,
    private readonly store: WebhookStore,
    /** Called when the set of apps with active webhooks may have changed. */
    private readonly changed: () => void,
  ) {}

  /** `get-by-app-id-and-webhook-id!`: a missing webhook is `record-not-found`. */
  get(appId: string, webhookId: string): WebhookRow {
    const row = this.store.get(appId, webhookId);
    if (!row) throw recordNotFoundWebhook(appId, webhookId);
    return row;
  }

  create(appId: string, params: Required<WebhookParams>): WebhookRow {
    assertValidUrl(params.url);
    const namespaces = assertNamespaces(this.engine, appId, params.namespaces);
    const actions = assertActions(params.actions);
    this.assertBelowLimit(appId);
    this.assertNoDuplicate(appId, { url: params.url, namespaces, actions });
    const now = Date.now();
    const row: WebhookRow = { id: randomUUID(), appId, url: params.url, namespaces, actions, status: 'active', disabledReason: null, createdAt: now, updatedAt: now };
    this.store.insert(row);
    this.changed();
    return row;
  }

  /** Only the given fields change; status never does (`update!`). */
  update(appId: string, webhookId: string, params: WebhookParams): WebhookRow {
    if (params.url !== undefined) assertValidUrl(params.url);
    const actions = params.actions === undefined ? undefined : assertActions(params.actions);
    const namespaces = params.namespaces === undefined ? undefined : assertNamespaces(this.engine, appId, params.namespaces);
    const existing = this.get(appId, webhookId);
    const next: WebhookRow = {
      ...existing,
      url: params.url ?? existing.url,
      namespaces: namespaces ?? existing.namespaces,
      actions: actions ?? existing.actions,
      updatedAt: Date.now(),
    };
    this.assertNoDuplicate(appId, next, webhookId);
    this.store.update(next);
    return next;
  }

  delete(appId: string, webhookId: string): WebhookRow {
    const existing = this.get(appId, webhookId);
    this.store.delete(appId, webhookId);
    this.changed();
    return existing;
  }

  enable(appId: string, webhookId: string): WebhookRow {
    const existing = this.get(appId, webhookId);
    if (existing.status !== 'active') this.assertBelowLimit(appId);
    this.assertNoDuplicate(appId, existing, webhookId);
    const next: WebhookRow = { ...existing, status: 'active', disabledReason: null, updatedAt: Date.now() };
    this.store.update(next);
    this.changed();
    return next;
  }

  disable(appId: string, webhookId: string, reason: string | undefined): WebhookRow {
    const existing = this.get(appId, webhookId);
    const next: WebhookRow = { ...existing, status: 'disabled', disabledReason: reason ?? null, updatedAt: Date.now() };
    this.store.update(next);
    this.changed();
    return next;
  }

  private assertBelowLimit(appId: string): void {
    const active = this.store.list(appId).filter((w) => w.status === 'active').length;
    if (active >= MAX_ACTIVE_WEBHOOKS) {
      throw invalid('webhooks', { 'app-id': appId }, `An app may not have more than ${MAX_ACTIVE_WEBHOOKS} active webhooks.`);
    }
  }

  /** `check-webhook-duplicate!`: another active webhook with the same url, namespaces and actions. */
  private assertNoDuplicate(appId: string, w: Pick<WebhookRow, 'url' | 'namespaces' | 'actions'>, ignoreId?: string): void {
    const twin = this.store
      .list(appId)
      .find((o) => o.id !== ignoreId && o.status === 'active' && o.url === w.url && sameSet(o.namespaces, w.namespaces) && sameSet(o.actions, w.actions));
    if (twin) {
      throw invalid('webhooks', { 'app-id': appId }, 'A webhook already exists with all of the same properties', { 'webhook-id': twin.id });
    }
  }
}

function recordNotFoundWebhook(appId: string, webhookId: string) {
  return recordNotFound('webhook', { args: [{ 'app-id': appId, 'webhook-id': webhookId }] });
}
