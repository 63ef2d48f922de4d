// Live queries: `POST /admin/subscribe-query`, answered with a server-sent event stream
// (wire-protocol §4.5; upstream: server/src/instant/reactive/session.clj undertow-sse-admin-config,
// client/packages/admin/src/subscribe.ts).
import { InstantAPIError, redact } from './errors.js';
import { SseParser, type SseEvent } from './sse.js';
import { parseErrorBody, parseRetryAfter, type Transport } from './transport.js';
import type { Cursor } from './types.js';

export type ReadyState = 'connecting' | 'open' | 'closed';

/** The server session behind a subscription (debugging aid, as `@instantdb/admin` reports it). */
export interface SessionInfo {
  machineId: string;
  sessionId: string;
}

/** Where a page starts and ends: pass `endCursor` as `after` (or `startCursor` as `before`) for the next one. */
export interface PageInfo {
  /** `null` when the page is empty. */
  startCursor: Cursor | null;
  endCursor: Cursor | null;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** What a subscription delivers: every result of the query, or an error. */
export type SubscriptionPayload<Data, Pages> =
  | { type: 'ok'; data: Data; pageInfo: Pages | undefined; sessionInfo: SessionInfo | null }
  | {
      type: 'error';
      error: InstantAPIError;
      /** `closed` after an error that ends the subscription (a 4xx answer); else it reconnects. */
      readyState: ReadyState;
      isClosed: boolean;
      sessionInfo: SessionInfo | null;
    };

export interface Subscription<Data, Pages> extends AsyncIterable<SubscriptionPayload<Data, Pages>> {
  /** Stops it: the connection is dropped, iterators end, nothing more is delivered. */
  close(): void;
  readonly readyState: ReadyState;
  readonly isClosed: boolean;
  readonly sessionInfo: SessionInfo | null;
  /**
   * Every payload from the moment the iterator is created (the first one also gets those that came before it,
   * when no callback was given), in order, none dropped. Leaving the loop (`break`) closes the subscription.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<SubscriptionPayload<Data, Pages>>;
}

/** A result as the server sends it: the object tree and its `result-meta`. */
export interface RawResult {
  data: Record<string, unknown[]>;
  meta: {
    'page-info'?: Record<string, Record<string, unknown>>;
    aggregate?: Record<string, { count?: unknown }>;
  };
}

export interface LiveQueryInit<Data, Pages> {
  transport: Transport;
  /** The query as sent (`$$ruleParams` already inside). */
  query: Readonly<Record<string, unknown>>;
  /** Turns a server result into what the payload carries. */
  map(raw: RawResult): { data: Data; pageInfo: Pages | undefined };
  onResult?: ((payload: SubscriptionPayload<Data, Pages>) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Extra request headers (`fetchOpts.headers`); the client's own win. */
  headers?: Record<string, string> | undefined;
}

/** A message of the stream (session.clj send-event!): `op` says which. */
interface Message {
  op?: string;
  result?: unknown;
  'result-meta'?: unknown;
  computations?: Record<string, unknown>[];
  status?: unknown;
  'machine-id'?: string;
  'session-id'?: string;
  [key: string]: unknown;
}

/** The protocol version spoken: the server keys message formats on `@instantdb/core` (session.clj get-supported-features). */
const VERSIONS = { '@instantdb/admin': 'v1.0.67', '@instantdb/core': 'v1.0.67' };
/** Until the server sends `retry:` (Instant sends 500, session.clj `:sse-retry-interval-ms`). */
const DEFAULT_RETRY_MS = 500;
/** Consecutive failed connection attempts back off up to this. */
const MAX_RETRY_MS = 30_000;

type Outcome = 'ended' | 'failed' | 'stop';

/** One live query: connects, reconnects with the same body, and delivers each result to its consumers. */
export class LiveQuery<Data, Pages> implements Subscription<Data, Pages> {
  private state: ReadyState = 'connecting';
  private session: SessionInfo | null = null;
  private retryMs = DEFAULT_RETRY_MS;
  private retryAfterMs: number | undefined;
  private controller: AbortController | undefined;
  private wake: (() => void) | undefined;
  private readonly consumers = new Set<Backlog<SubscriptionPayload<Data, Pages>>>();
  /** Without a callback, payloads wait here for the first iterator. */
  private first: Backlog<SubscriptionPayload<Data, Pages>> | undefined;
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly body: string;

  private readonly init: LiveQueryInit<Data, Pages>;

  constructor(init: LiveQueryInit<Data, Pages>) {
    this.init = init;
    const { transport, signal } = init;
    // Thrown here, synchronously, as `@instantdb/admin` does when no token allows the call.
    this.headers = { ...init.headers, ...transport.authHeaders(), accept: 'text/event-stream' };
    // A stable id across reconnects, for the server's logs.
    this.url = `${transport.config.apiURI}/admin/subscribe-query?local_connection_id=${globalThis.crypto.randomUUID()}`;
    this.body = JSON.stringify({ query: init.query, 'inference?': true, versions: VERSIONS });
    if (!init.onResult) this.consumers.add((this.first = new Backlog()));
    if (signal?.aborted) {
      this.finish(true);
      return;
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
    void this.run();
  }

  get readyState(): ReadyState {
    return this.state;
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  get sessionInfo(): SessionInfo | null {
    return this.session;
  }

  close(): void {
    this.finish(true);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<SubscriptionPayload<Data, Pages>> {
    const backlog = this.first ?? new Backlog<SubscriptionPayload<Data, Pages>>();
    this.first = undefined;
    if (this.state === 'closed') backlog.end(false);
    else this.consumers.add(backlog);
    const iterator: AsyncIterableIterator<SubscriptionPayload<Data, Pages>> = {
      next: () => backlog.next(),
      return: async () => {
        this.close();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private readonly onAbort = () => this.finish(true);

  /** `drop`: the consumer asked to stop, so what is still queued is dropped; otherwise iterators drain it first. */
  private finish(drop: boolean): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.controller?.abort();
    this.wake?.();
    this.init.signal?.removeEventListener('abort', this.onAbort);
    for (const backlog of this.consumers) backlog.end(drop);
    this.consumers.clear();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.state !== 'closed') {
      const outcome = await this.connect().catch((error: unknown) => {
        this.error(new InstantAPIError(0, { type: 'network-error', message: String(error) }), false);
        return 'failed' as const;
      });
      if (outcome === 'stop' || this.isClosed) return;
      failures = outcome === 'ended' ? 0 : failures + 1;
      const backoff = Math.min(MAX_RETRY_MS, this.retryMs * 2 ** Math.max(0, failures - 1));
      const wait = Math.max(backoff, this.retryAfterMs ?? 0);
      this.retryAfterMs = undefined;
      this.state = 'connecting';
      await this.pause(wait);
    }
  }

  /** One connection, from the POST until the stream ends. */
  private async connect(): Promise<Outcome> {
    this.state = 'connecting';
    const controller = (this.controller = new AbortController());
    const { config } = this.init.transport;
    let timedOut = false;
    // Bounds the wait for the response headers only: the stream itself lasts as long as the subscription.
    const timer =
      config.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, config.timeoutMs)
        : undefined;
    let response: Response;
    try {
      response = await config.fetch(this.url, {
        method: 'POST',
        headers: this.headers,
        body: this.body,
        signal: controller.signal,
        cache: 'no-store',
      });
    } catch (error) {
      if (this.isClosed) return 'stop';
      const reason = timedOut ? `timed out after ${config.timeoutMs} ms` : `failed: ${errorText(error)}`;
      return this.error(this.apiError(0, timedOut ? 'timeout' : 'network-error', reason), false);
    } finally {
      clearTimeout(timer);
    }
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !type.startsWith('text/event-stream')) return this.refused(response, type);
    this.state = 'open';
    return this.read(response);
  }

  /** A non-stream answer: 429 and 5xx are retried; anything else ends the subscription. */
  private async refused(response: Response, type: string): Promise<Outcome> {
    const text = await response.text().catch(() => '');
    const { status } = response;
    const error =
      status === 200
        ? this.apiError(
            200,
            'invalid-response',
            `answered 200 with ${type || 'no content type'}, not an event stream`,
          )
        : new InstantAPIError(status, redact(parseErrorBody(text), this.init.transport.config.adminToken));
    if (status !== 429 && status < 500) return this.error(error, true);
    this.retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return this.error(error, false);
  }

  private async read(response: Response): Promise<Outcome> {
    const parser = new SseParser({
      onEvent: (event) => this.message(event),
      onRetry: (ms) => (this.retryMs = ms),
    });
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    try {
      while (reader && !this.isClosed) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // The connection dropped: reconnect, as after a clean end.
    }
    return this.isClosed ? 'stop' : 'ended';
  }

  private message(event: SseEvent): void {
    if (event.type !== 'message') return;
    let msg: Message;
    try {
      msg = JSON.parse(event.data);
    } catch {
      this.error(
        this.apiError(200, 'invalid-response', `sent an event that is not JSON: ${event.data.slice(0, 200)}`),
        false,
      );
      return;
    }
    switch (msg.op) {
      case 'sse-init':
        this.session = { machineId: msg['machine-id'] ?? '', sessionId: msg['session-id'] ?? '' };
        break;
      case 'add-query-ok':
        this.result(msg.result, msg['result-meta']);
        break;
      case 'refresh-ok': {
        // Only the queries whose result changed are sent; this session has one.
        const computation = msg.computations?.[0];
        if (computation) this.result(computation['instaql-result'], computation['result-meta']);
        break;
      }
      case 'error': {
        const body = redact(msg, this.init.transport.config.adminToken) as InstantAPIError['body'];
        this.error(new InstantAPIError(Number(msg.status) || 500, body), false);
        break;
      }
      // Other ops (`add-query-exists`, ...) carry nothing for this client.
    }
  }

  private result(data: unknown, meta: unknown): void {
    let mapped: { data: Data; pageInfo: Pages | undefined };
    try {
      mapped = this.init.map({
        data: (data ?? {}) as RawResult['data'],
        meta: (meta ?? {}) as RawResult['meta'],
      });
    } catch (error) {
      this.error(
        this.apiError(200, 'invalid-response', `sent a result this client cannot read: ${errorText(error)}`),
        false,
      );
      return;
    }
    this.deliver({ type: 'ok', ...mapped, sessionInfo: this.session });
  }

  /** Delivers an error; a `final` one closes the subscription after it is queued. */
  private error(error: InstantAPIError, final: boolean): Outcome {
    const readyState = final ? 'closed' : this.state;
    this.deliver({ type: 'error', error, readyState, isClosed: final, sessionInfo: this.session });
    if (final) this.finish(false);
    return final ? 'stop' : 'failed';
  }

  private deliver(payload: SubscriptionPayload<Data, Pages>): void {
    if (this.state === 'closed') return;
    for (const backlog of this.consumers) backlog.push(payload);
    try {
      this.init.onResult?.(payload);
    } catch (error) {
      // The stream must go on; the callback's own failure is reported, as `@instantdb/admin` does.
      console.error('Error in a subscription callback', error);
    }
  }

  /** Waits between connections; `close()` ends the wait at once, so no timer outlives the subscription. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).then(() => {
      this.wake = undefined;
    });
  }

  private apiError(status: number, type: string, reason: string): InstantAPIError {
    const message = `POST ${this.init.transport.config.apiURI}/admin/subscribe-query ${reason}`;
    return new InstantAPIError(status, {
      type,
      message: redact(message, this.init.transport.config.adminToken),
    });
  }
}

/** The payloads one consumer has not taken yet, unbounded: each is a whole result, and none may be lost. */
class Backlog<T> {
  private items: T[] = [];
  private ended = false;
  private waiting: (() => void) | undefined;

  push(item: T): void {
    this.items.push(item);
    this.signal();
  }

  end(drop: boolean): void {
    if (drop) this.items = [];
    this.ended = true;
    this.signal();
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.items.length) return { done: false, value: this.items.shift() as T };
      if (this.ended) return { done: true, value: undefined };
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  private signal(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}

/** Opens a subscription, takes its first result and closes it: the one-shot reads (`count`, `paginate`). */
export function firstResult(
  transport: Transport,
  query: Readonly<Record<string, unknown>>,
  signal?: AbortSignal,
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const aborted = () =>
      reject(new InstantAPIError(0, { type: 'aborted', message: 'POST /admin/subscribe-query was aborted' }));
    // Built first: a missing token throws here, before any listener is left on the signal.
    const live: LiveQuery<RawResult, undefined> = new LiveQuery({
      transport,
      query,
      signal,
      map: (raw) => ({ data: raw, pageInfo: undefined }),
      onResult: (payload) => {
        live.close();
        signal?.removeEventListener('abort', aborted);
        if (payload.type === 'ok') resolve(payload.data);
        else reject(payload.error);
      },
    });
    if (signal?.aborted) return aborted();
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/** `page-info` of one namespace, camel-cased as `@instantdb/admin` does. */
export function pageInfoOf(raw: Record<string, unknown>): PageInfo {
  return {
    startCursor: (raw['start-cursor'] ?? null) as Cursor | null,
    endCursor: (raw['end-cursor'] ?? null) as Cursor | null,
    hasNextPage: raw['has-next-page?'] === true,
    hasPreviousPage: raw['has-previous-page?'] === true,
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
