// Sends events to their webhook's URL (webhook_processor.clj `handle-event!`, webhook_sender.clj
// `send-webhook`): a POST of `{payloadUrl, token}` signed over `t.body`, recorded as an attempt; failures are
// retried on a schedule, a 410 disables the webhook, and an event fails for good after `maxAttempts`.
// Unlike Instant, loopback and plain-http URLs are allowed: the receivers of a local server are local.

import type { SigningKey } from './keys.js';
import type { Attempt, EventRow, WebhookStore } from './store.js';
import { isnOfTx, payloadIdempotencyKey } from './isn.js';
import { signPayloadJwt } from './jwt.js';

export interface DeliveryOptions {
  /**
   * The wait before each retry, the last one repeated. Default: Instant's (Stripe's) schedule, 1 min, 5 min,
   * 30 min, 2 h, 5 h, 10 h, then 12 h.
   */
  retryDelaysMs?: number[];
  /** Attempts before an event fails; default 11, as on Instant (about three days). */
  maxAttempts?: number;
  /** Per attempt; default 20 s (the sender's `callTimeout`). */
  timeoutMs?: number;
  /** The clock of signatures and payload tokens, in ms (a test can make the server sign in the past). */
  now?: () => number;
}

const MINUTE = 60_000;
const INSTANT_RETRY_DELAYS = [1, 5, 30, 120, 300, 600, 720].map((m) => m * MINUTE);

interface Context {
  store: WebhookStore;
  key: SigningKey;
  /** The server's origin (`config/server-origin`): payload URLs and the tokens' issuer. */
  origin: () => string;
  log: (line: string) => void;
}

export class Deliverer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Map<string, AbortController>();
  private closed = false;
  private readonly retryDelaysMs: number[];
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  readonly now: () => number;

  constructor(
    private readonly ctx: Context,
    options: DeliveryOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs?.length ? options.retryDelaysMs : INSTANT_RETRY_DELAYS;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 11);
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.now = options.now ?? Date.now;
  }

  isInFlight(event: EventRow): boolean {
    return this.inFlight.has(keyOf(event));
  }

  /** Delivers the event after `delayMs` (0: on the next turn of the event loop, after the commit's response). */
  schedule(event: EventRow, delayMs = 0): void {
    if (this.closed) return;
    const key = keyOf(event);
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.timers.delete(key);
      void this.deliver(event.appId, event.webhookId, event.txId).catch((e) => this.ctx.log(`[instant-codegen] webhook delivery failed: ${String(e)}`));
    }, Math.max(0, delayMs));
    timer.unref();
    this.timers.set(key, timer);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight.values()) controller.abort();
  }

  private async deliver(appId: string, webhookId: string, txId: number): Promise<void> {
    const { store } = this.ctx;
    const event = store.event(appId, webhookId, txId);
    if (!event || event.status === 'success' || event.status === 'failed') return;
    const webhook = store.get(appId, webhookId);
    if (!webhook || webhook.status !== 'active') {
      const attempt = failedAttempt(new Date(), 0, 'disabled', webhook ? 'Webhook is disabled.' : 'Webhook was deleted.');
      return this.record(event, attempt, 'failed');
    }
    const key = keyOf(event);
    const controller = new AbortController();
    this.inFlight.set(key, controller);
    store.setEvent({ ...event, status: 'processing', updatedAt: Date.now() });
    let attempt: Attempt;
    try {
      attempt = await this.post(webhook.url, event, controller);
    } finally {
      this.inFlight.delete(key);
    }
    if (this.closed) return;
    const attempts = (event.attempts?.length ?? 0) + 1;
    const gone = attempt['status-code'] === 410;
    const status = attempt['success?'] ? 'success' : gone || attempts >= this.maxAttempts ? 'failed' : 'error';
    this.record(event, attempt, status);
    if (gone) {
      // The receiver's way to turn the spigot off (model/webhook.clj `record-attempt!`).
      store.update({ ...webhook, status: 'disabled', disabledReason: 'Endpoint returned 410 status code.', updatedAt: Date.now() });
    }
  }

  private record(event: EventRow, attempt: Attempt, status: EventRow['status']): void {
    if (this.closed) return;
    const current = this.ctx.store.event(event.appId, event.webhookId, event.txId) ?? event;
    const attempts = [...(current.attempts ?? []), attempt];
    const delay = this.retryDelaysMs[Math.min(attempts.length - 1, this.retryDelaysMs.length - 1)]!;
    const nextAttemptAfter = status === 'error' ? Date.now() + delay : null;
    this.ctx.store.setEvent({ ...current, status, attempts, nextAttemptAfter, updatedAt: Date.now() });
    if (status === 'error') this.schedule(current, delay);
  }

  /** The signed body; key order as Instant writes it (`webhook-body`). */
  body(event: EventRow): string {
    const isn = isnOfTx(event.txId);
    const origin = this.ctx.origin();
    const payloadUrl = `${origin}/webhooks/payload/${event.appId}/${event.webhookId}/${isn}`;
    const token = signPayloadJwt(this.ctx.key, origin, { appId: event.appId, webhookId: event.webhookId, isn }, this.now());
    return JSON.stringify({ payloadUrl, token });
  }

  /** `Instant-Signature: t=<unix s>,kid=<kid>,v1=<hex Ed25519 signature of "t.body">` (`sign-webhook`). */
  signature(body: string): string {
    const t = String(Math.floor(this.now() / 1000));
    const v1 = this.ctx.key.sign(Buffer.from(`${t}.${body}`, 'utf8')).toString('hex');
    return `t=${t},kid=${this.ctx.key.kid},v1=${v1}`;
  }

  private async post(url: string, event: EventRow, controller: AbortController): Promise<Attempt> {
    const body = this.body(event);
    const started = new Date();
    const timer = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), this.timeoutMs);
    try {
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: controller.signal,
        headers: {
          'user-agent': 'InstantDB Webhook Sender',
          'instant-signature': this.signature(body),
          'idempotency-key': payloadIdempotencyKey(event.webhookId, isnOfTx(event.txId)),
          'content-type': 'application/json; charset=utf-8',
        },
        body,
      });
      const text = (await res.text()).slice(0, 256);
      const ok = res.status >= 200 && res.status < 300;
      return { 'attempt-at': started.toISOString(), 'duration-ms': Date.now() - started.getTime(), 'success?': ok, 'status-code': res.status, 'response-text': text, 'error-type': null, 'error-message': null };
    } catch (e) {
      const [type, message] = classify(e, controller);
      return failedAttempt(started, Date.now() - started.getTime(), type, message);
    } finally {
      clearTimeout(timer);
    }
  }
}

const keyOf = (e: { webhookId: string; txId: number }) => `${e.webhookId}/${e.txId}`;

function failedAttempt(at: Date, durationMs: number, type: string, message: string): Attempt {
  return { 'attempt-at': at.toISOString(), 'duration-ms': durationMs, 'success?': false, 'status-code': null, 'response-text': null, 'error-type': type, 'error-message': message };
}

/** `classify-throwable`'s types and messages, from Node's error codes. */
function classify(e: unknown, controller: AbortController): [string, string] {
  if (controller.signal.aborted) return ['timeout', 'Request timed out.'];
  const code = errorCode(e);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return ['dns', 'Could not resolve hostname.'];
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH') return ['connect', 'Could not connect to server.'];
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return ['tls', 'TLS handshake failed.'];
  if (code?.startsWith('UND_ERR') || code === 'HPE_INVALID_CONSTANT') return ['protocol', 'Invalid HTTP response.'];
  return ['network', 'Network error.'];
}

/** The first error code along the cause chain (undici wraps socket errors, sometimes in an AggregateError). */
function errorCode(e: unknown, depth = 0): string | undefined {
  if (!e || typeof e !== 'object' || depth > 5) return undefined;
  const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof code === 'string' && !code.startsWith('UND_ERR_SOCKET')) return code;
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = errorCode(inner, depth + 1);
    if (found) return found;
  }
  return typeof code === 'string' ? code : undefined;
}
