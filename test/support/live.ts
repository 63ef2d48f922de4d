// Helpers for live-query cases: a feed of what a subscription delivered, awaited in arrival order (no
// clock involved: a test's own timeout bounds every wait), and a raw SSE reader for what the SDK does not
// surface (counts, the `retry:` field, message fields).

import type { AdminDbLike } from './conformance.js';

/** What `subscribeQuery` delivers (`{type:'ok', data, pageInfo}` or `{type:'error', error}`). */
export interface Payload {
  type: 'ok' | 'error';
  data?: any;
  pageInfo?: any;
  error?: any;
}

/** The subscription handle `subscribeQuery` returns. */
export interface SubscriptionLike {
  close(): void;
  readonly readyState?: string;
  [Symbol.asyncIterator](): AsyncIterator<Payload>;
}

/** Payloads in arrival order; `next()` waits for the next one not yet taken. */
export class Feed<T = Payload> {
  private readonly items: T[] = [];
  private taken = 0;
  private wake?: () => void;

  push = (item: T): void => {
    this.items.push(item);
    this.wake?.();
  };

  /** How many arrived so far. */
  get received(): number {
    return this.items.length;
  }

  async next(): Promise<T> {
    while (this.taken >= this.items.length) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.items[this.taken++];
  }

  /** Takes payloads until one satisfies `pred`; returns it with the ones skipped. */
  async until(pred: (item: T) => boolean): Promise<{ item: T; skipped: T[] }> {
    const skipped: T[] = [];
    for (;;) {
      const item = await this.next();
      if (pred(item)) return { item, skipped };
      skipped.push(item);
    }
  }
}

/** Subscribes with the callback form; the feed receives every payload. */
export function subscribe(db: AdminDbLike, query: unknown, opts?: unknown): { feed: Feed; sub: SubscriptionLike } {
  if (!db.subscribeQuery) throw new Error('this client has no subscribeQuery');
  const feed = new Feed();
  const sub = db.subscribeQuery(query, feed.push, opts) as SubscriptionLike;
  return { feed, sub };
}

/** Polls `check` until it holds (bounded by the test's timeout, not by a clock here). */
export async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A raw POST /admin/subscribe-query: the response status, the `retry:` value and the parsed `data:` messages. */
export interface RawStream {
  status: number;
  /** Non-2xx: the JSON body. */
  body?: any;
  retry?: number;
  messages: Feed<any>;
  close(): void;
}

export async function openStream(url: string, body: unknown, headers: Record<string, string>): Promise<RawStream> {
  const controller = new AbortController();
  const res = await fetch(`${url}/admin/subscribe-query`, { method: 'POST', headers, body: JSON.stringify(body), signal: controller.signal });
  const stream: RawStream = { status: res.status, messages: new Feed<any>(), close: () => controller.abort() };
  if (!res.ok) {
    stream.body = await res.json();
    return stream;
  }
  void readEvents(res, stream).catch(() => undefined);
  return stream;
}

async function readEvents(res: Response, stream: RawStream): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split('\n')) {
        if (line.startsWith('retry: ')) stream.retry = Number(line.slice(7));
        if (line.startsWith('data: ')) stream.messages.push(JSON.parse(line.slice(6)));
      }
    }
  }
}
