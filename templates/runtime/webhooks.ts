// `db.webhooks`: receiving Instant's webhooks with typed handlers (`processRequest`), or only checking them
// (`validate`), and the manager. A delivery is accepted only when its signature is valid and fresh, its payload
// belongs to this client's app, and its idempotency key was not processed before; otherwise it is rejected
// with an `InstantWebhookError` and no handler runs.

import { reviveDates } from './dates.js';
import type { EntitySpec } from './entity.js';
import { InstantAPIError } from './errors.js';
import { parseErrorBody, timeoutSignal, type ResolvedConfig } from './transport.js';
import { InstantWebhookError } from './webhookErrors.js';
import { WebhooksManager } from './webhookManager.js';
import { checkTimestamp, parseSignatureHeader, publicKey, verifySignature } from './webhookSignature.js';
import type {
  IdempotencyStore,
  NodeRequestLike,
  WebhookBody,
  WebhookHandlers,
  WebhookPayload,
  WebhookProcessOptions,
  WebhookRecord,
  WebhookValidateOptions,
} from './webhookTypes.js';

const DEFAULT_TOLERANCE = 300;

/** The last `max` keys, oldest forgotten first. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly keys = new Set<string>();
  private readonly max: number;

  constructor(max = 10_000) {
    this.max = max;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string);
  }
}

export class WebhooksApi<E> {
  readonly manager: WebhooksManager<E>;
  private readonly config: ResolvedConfig;
  private readonly defs: Readonly<Record<string, EntitySpec>>;
  private readonly dates: 'stored' | 'date' | undefined;
  private readonly seen = new MemoryIdempotencyStore();
  /** Payloads being handled now: a replay racing the original is refused too. */
  private readonly running = new Set<string>();

  constructor(config: ResolvedConfig, defs: Readonly<Record<string, EntitySpec>>, dates?: 'stored' | 'date') {
    this.config = config;
    this.defs = defs;
    this.dates = dates;
    this.manager = new WebhooksManager<E>(config);
  }

  /**
   * Checks an `Instant-Signature` header against the raw body (Ed25519 over `t.body`, the key from the
   * server's JWKS, `tolerance` seconds) and returns the body. `body` may be a function, read after the header.
   */
  async validate(
    signatureHeader: string,
    body: string | (() => string | Promise<string>),
    opts: WebhookValidateOptions = {},
  ): Promise<WebhookBody> {
    const parts = parseSignatureHeader(signatureHeader);
    checkTimestamp(parts.t, opts.receivedAt ?? new Date(), opts.tolerance ?? DEFAULT_TOLERANCE);
    const key = await publicKey(this.config.apiURI, parts.kid, this.config.fetch);
    const text = typeof body === 'function' ? await body() : body;
    await verifySignature(key, parts, text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const candidate = parsed as Partial<WebhookBody> | undefined;
    if (typeof candidate?.payloadUrl !== 'string' || typeof candidate.token !== 'string') {
      throw new InstantWebhookError(
        'malformed-body',
        'Invalid webhook body: expected an object with payloadUrl and token.',
      );
    }
    return { payloadUrl: candidate.payloadUrl, token: candidate.token };
  }

  /** `validate` on a Web `Request` (its `instant-signature` header and text body). */
  validateRequest(req: Request, opts?: WebhookValidateOptions): Promise<WebhookBody> {
    const header = req.headers.get('instant-signature');
    if (!header)
      return Promise.reject(
        new InstantWebhookError('missing-signature', 'Request is missing the Instant-Signature header.'),
      );
    return this.validate(header, () => req.text(), opts);
  }

  /** The records of a validated delivery; refused when they belong to another app. */
  async fetchPayloads(body: WebhookBody): Promise<WebhookPayload<E>> {
    this.assertOwnApp(body.payloadUrl);
    const res = await this.config.fetch(body.payloadUrl, {
      headers: {
        authorization: `Bearer ${body.token}`,
        accept: 'application/json',
      },
      signal: timeoutSignal(this.config) ?? null,
      cache: 'no-store',
    });
    const text = await res.text();
    if (res.status !== 200) throw new InstantAPIError(res.status, parseErrorBody(text));
    const payload = JSON.parse(text) as WebhookPayload<E>;
    if (this.dates === 'date') {
      for (const record of payload.data as {
        namespace: string;
        before: unknown;
        after: unknown;
      }[]) {
        reviveDates(this.defs, {
          [record.namespace]: [record.before, record.after],
        });
      }
    }
    return payload;
  }

  /** `/webhooks/payload/<app>/<webhook>/<isn>`: the server signs deliveries of every app with one key. */
  private assertOwnApp(payloadUrl: string): void {
    let path: string;
    try {
      path = new URL(payloadUrl).pathname;
    } catch {
      throw new InstantWebhookError('malformed-body', `Invalid payloadUrl: ${payloadUrl}`);
    }
    const app = /^\/webhooks\/payload\/([^/]+)\//.exec(path)?.[1];
    if (app?.toLowerCase() !== this.config.appId.toLowerCase()) {
      throw new InstantWebhookError(
        'other-app',
        `The delivery is for app ${app ?? '(none)'}, not this client's app ${this.config.appId}.`,
      );
    }
  }

  /**
   * Runs each record's handler: `handlers[namespace][action]`, else `handlers[namespace].$default`, else
   * `handlers.$default`. Handlers run concurrently; if one rejects, this rejects.
   */
  async processPayload(handlers: WebhookHandlers<E>, payload: WebhookPayload<E>): Promise<void> {
    type AnyHandler = ((record: WebhookRecord<E>) => unknown) | undefined;
    const table = handlers as Record<string, Record<string, AnyHandler> | AnyHandler>;
    const runs: unknown[] = [];
    for (const record of payload.data) {
      const { namespace, action } = record as {
        namespace: string;
        action: string;
      };
      const own = Object.prototype.hasOwnProperty.call(table, namespace)
        ? (table[namespace] as Record<string, AnyHandler> | undefined)
        : undefined;
      const handler = own?.[action] ?? own?.['$default'] ?? (table['$default'] as AnyHandler);
      if (handler) runs.push(handler(record));
    }
    await Promise.all(runs);
  }

  /**
   * Validates the request, fetches its records, and runs the handlers. Answer 2xx when it resolves; when it
   * rejects, answer 4xx for an `InstantWebhookError` (no handler ran) and 5xx otherwise (Instant retries).
   */
  async processRequest(
    handlers: WebhookHandlers<E>,
    req: Request,
    opts: WebhookProcessOptions = {},
  ): Promise<void> {
    const body = await this.validateRequest(req, opts);
    const payload = await this.fetchPayloads(body);
    const store = opts.idempotencyStore === false ? undefined : (opts.idempotencyStore ?? this.seen);
    const key = payload.idempotencyKey;
    if (store && (this.running.has(key) || (await store.has(key)))) {
      throw new InstantWebhookError(
        'replayed',
        `Payload ${key} was already processed: a replayed delivery (a resend of a handled event is one too).`,
      );
    }
    this.running.add(key);
    try {
      await this.processPayload(handlers, payload);
      await store?.add(key);
    } finally {
      this.running.delete(key);
    }
  }

  /**
   * `processRequest` for a Node `IncomingMessage` (Express with `express.raw()`, the Next.js Pages Router
   * with `bodyParser: false`, Koa's `ctx.req`). The raw body is needed: `opts.body`, `req.rawBody`,
   * `req.body` (bytes or text) or the unread stream.
   */
  async processNodeRequest(
    handlers: WebhookHandlers<E>,
    req: NodeRequestLike,
    opts: WebhookProcessOptions & { body?: unknown } = {},
  ): Promise<void> {
    const { text, reserialized } = await rawBodyOf(req, opts.body);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) headers.set(name, value.join(', '));
    }
    const request = new Request(new URL(req.url ?? '/', 'http://localhost'), {
      method: 'POST',
      headers,
      body: text,
    });
    try {
      await this.processRequest(handlers, request, opts);
    } catch (e) {
      if (reserialized && e instanceof InstantWebhookError && e.reason === 'bad-signature') {
        throw new InstantWebhookError(
          'bad-signature',
          `${e.message} The body had been parsed as JSON and was re-serialized: give this route the raw body.`,
        );
      }
      throw e;
    }
  }
}

async function rawBodyOf(
  req: NodeRequestLike,
  given: unknown,
): Promise<{ text: string; reserialized: boolean }> {
  let value = given ?? req.rawBody ?? req.body;
  if (value && typeof (value as PromiseLike<unknown>).then === 'function') value = await value;
  if (typeof value === 'string') return { text: value, reserialized: false };
  if (value instanceof Uint8Array) return { text: new TextDecoder().decode(value), reserialized: false };
  if (value !== null && typeof value === 'object') return { text: JSON.stringify(value), reserialized: true };
  const stream = req[Symbol.asyncIterator];
  if (!stream)
    throw new Error(
      'Could not read the webhook request body: pass the raw body (opts.body) or an unread request.',
    );
  const chunks: Uint8Array[] = [];
  const encoder = new TextEncoder();
  for await (const chunk of { [Symbol.asyncIterator]: stream.bind(req) }) {
    chunks.push(typeof chunk === 'string' ? encoder.encode(chunk) : (chunk as Uint8Array));
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(bytes), reserialized: false };
}

/** One `db.webhooks` per client configuration: `asUser` clients share it (and its memory of processed keys). */
const perConfig = new WeakMap<ResolvedConfig, WebhooksApi<unknown>>();

export function webhooksFor(
  config: ResolvedConfig,
  defs: Readonly<Record<string, EntitySpec>>,
  dates?: 'stored' | 'date',
): WebhooksApi<any> {
  let api = perConfig.get(config);
  if (!api) {
    api = new WebhooksApi<unknown>(config, defs, dates);
    perConfig.set(config, api);
  }
  return api;
}
