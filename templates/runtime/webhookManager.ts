// `db.webhooks.manager`: Instant's webhook management routes (dash/routes.clj), sent as
// `@instantdb/admin`'s `WebhooksManager` sends them: `authorization: Bearer <admin token>` and a JSON
// content type, no app-id header or query parameter.

import { InstantAPIError, redact } from './errors.js';
import { parseErrorBody, timeoutSignal, type ResolvedConfig } from './transport.js';
import type {
  CreateWebhookParams,
  UpdateWebhookParams,
  WebhookAttempt,
  WebhookEventInfo,
  WebhookEventsPage,
  WebhookInfo,
  WebhookPayload,
} from './webhookTypes.js';

type Raw = Record<string, any>;

const date = (s: unknown): Date | null => (typeof s === 'string' ? new Date(s) : null);

function webhookInfo(raw: Raw): WebhookInfo<any> {
  return {
    id: raw['id'],
    sink: raw['sink'],
    namespaces: raw['namespaces'] ?? [],
    actions: raw['actions'],
    status: raw['status'],
    disabledReason: raw['disabled_reason'] ?? null,
    createdAt: new Date(raw['created_at']),
    updatedAt: new Date(raw['updated_at']),
  };
}

function attempt(raw: Raw): WebhookAttempt {
  return {
    attemptAt: date(raw['attempt-at']),
    durationMs: raw['duration-ms'] ?? null,
    success: raw['success?'] ?? null,
    statusCode: raw['status-code'] ?? null,
    responseText: raw['response-text'] ?? null,
    errorType: raw['error-type'] ?? null,
    errorMessage: raw['error-message'] ?? null,
  };
}

function eventInfo(raw: Raw): WebhookEventInfo {
  return {
    isn: raw['isn'],
    status: raw['status'],
    attempts: Array.isArray(raw['attempts']) ? raw['attempts'].map(attempt) : null,
    nextAttemptAfter: date(raw['next_attempt_after']),
    createdAt: new Date(raw['created_at']),
    updatedAt: new Date(raw['updated_at']),
  };
}

export class WebhooksManager<E> {
  private readonly config: ResolvedConfig;

  constructor(config: ResolvedConfig) {
    this.config = config;
  }

  private get base(): string {
    return `/dash/apps/${this.config.appId}/webhooks`;
  }

  private async send(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Raw> {
    const { adminToken, apiURI, fetch } = this.config;
    if (!adminToken)
      throw new Error(
        'An admin token is required to manage webhooks: pass `adminToken` to `createClient` (or set INSTANT_APP_ADMIN_TOKEN).',
      );
    const res = await fetch(`${apiURI}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? null : JSON.stringify(body),
      signal: timeoutSignal(this.config) ?? null,
      cache: 'no-store',
    });
    const text = await res.text();
    if (res.status !== 200) throw new InstantAPIError(res.status, redact(parseErrorBody(text), adminToken));
    return JSON.parse(text) as Raw;
  }

  /** Every webhook of the app, newest first. */
  async list(): Promise<WebhookInfo<keyof E & string>[]> {
    return ((await this.send('GET', this.base))['webhooks'] ?? []).map(webhookInfo);
  }

  /** A new, active webhook for these entities and actions. */
  async create(params: CreateWebhookParams<keyof E & string>): Promise<WebhookInfo<keyof E & string>> {
    return webhookInfo((await this.send('POST', this.base, params))['webhook']);
  }

  /** Changes only the given fields; the status stays (see `enable` / `disable`). */
  async update(
    webhookId: string,
    params: UpdateWebhookParams<keyof E & string>,
  ): Promise<WebhookInfo<keyof E & string>> {
    return webhookInfo((await this.send('POST', `${this.base}/${webhookId}`, params))['webhook']);
  }

  /** Deletes the webhook and returns it as it was. */
  async delete(webhookId: string): Promise<WebhookInfo<keyof E & string>> {
    return webhookInfo((await this.send('DELETE', `${this.base}/${webhookId}`))['webhook']);
  }

  async enable(webhookId: string): Promise<WebhookInfo<keyof E & string>> {
    return webhookInfo((await this.send('POST', `${this.base}/${webhookId}/enable`, {}))['webhook']);
  }

  async disable(
    webhookId: string,
    opts?: { reason?: string | undefined },
  ): Promise<WebhookInfo<keyof E & string>> {
    const body = opts?.reason ? { reason: opts.reason } : {};
    return webhookInfo((await this.send('POST', `${this.base}/${webhookId}/disable`, body))['webhook']);
  }

  /** A page of events, newest first; pass `pageInfo.endCursor` as `after` for the next. */
  async listEvents(webhookId: string, opts?: { after?: string | undefined }): Promise<WebhookEventsPage> {
    const qs = opts?.after ? `?after=${encodeURIComponent(opts.after)}` : '';
    const res = await this.send('GET', `${this.base}/${webhookId}/events${qs}`);
    const info = res['pageInfo'] ?? {};
    return {
      events: (res['events'] ?? []).map(eventInfo),
      pageInfo: {
        startCursor: info.startCursor ?? null,
        endCursor: info.endCursor ?? null,
        hasNextPage: !!info.hasNextPage,
      },
    };
  }

  async getEvent(webhookId: string, isn: string): Promise<WebhookEventInfo> {
    return eventInfo((await this.send('GET', `${this.base}/${webhookId}/events/${isn}`))['event']);
  }

  /** The records of an event, as a receiver fetches them (typed; dates as the server stores them). */
  async getPayload(webhookId: string, isn: string): Promise<WebhookPayload<E>> {
    return (await this.send(
      'GET',
      `/webhooks/payload/${this.config.appId}/${webhookId}/${isn}`,
    )) as WebhookPayload<E>;
  }

  /** Delivers the event again (same idempotency key); refused while it is being delivered. */
  async resendEvent(webhookId: string, isn: string): Promise<WebhookEventInfo> {
    return eventInfo((await this.send('POST', `${this.base}/${webhookId}/events/${isn}`, {}))['event']);
  }
}
