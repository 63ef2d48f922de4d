// Webhook receivers on loopback for end-to-end tests: one written with the official SDK's `processRequest`,
// one with a generated client's typed `processNodeRequest`. Each records every delivery it got (headers and raw
// body, to replay or forge later), how it answered, and the records its handlers saw.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhooks } from '@instantdb/admin';

export interface Delivery {
  headers: Record<string, string>;
  body: string;
  status: number;
  /** The rejection's message when the receiver answered 4xx. */
  error?: string;
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Records the handlers were called with, in order. */
  handled: Record<string, unknown>[];
  /** Replays a request as if it came from the server (a test forging or replaying a delivery). */
  send(headers: Record<string, string>, body: string): Promise<Delivery>;
  close(): Promise<void>;
}

type Handle = (req: http.IncomingMessage, body: Buffer) => Promise<void>;

async function listen(handle: Handle, handled: Record<string, unknown>[], answer?: () => number | undefined): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const forced = answer?.();
    let status = forced ?? 200;
    let error: string | undefined;
    if (forced === undefined) {
      try {
        await handle(req, body);
      } catch (e) {
        status = 400;
        error = e instanceof Error ? e.message : String(e);
      }
    }
    deliveries.push({ headers, body: body.toString('utf8'), status, ...(error ? { error } : {}) });
    res.statusCode = status;
    res.end(error ?? 'ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/instant-webhook`;
  return {
    url,
    deliveries,
    handled,
    send: async (headers, body) => {
      const before = deliveries.length;
      await fetch(url, { method: 'POST', headers, body });
      return deliveries[before]!;
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/**
 * The official SDK's receiver: `processRequest` with a `$default` handler. The SDK itself does not check that
 * a delivery is for its app nor that it is not a replay, so this receiver does what its docs leave to the user,
 * in the one place the SDK lets it (its JSON fetch, which fetches the payload before any handler runs).
 */
export async function sdkReceiver(apiURI: string, appId: string, answer?: () => number | undefined): Promise<Receiver> {
  const handled: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  const jsonFetch = async (input: RequestInfo, init?: RequestInit) => {
    const url = String(input);
    if (url.includes('/webhooks/payload/') && !url.includes(`/webhooks/payload/${appId}/`)) throw new Error('payload for another app');
    const res = await fetch(input, init);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    const json = await res.json();
    if (typeof json?.idempotencyKey === 'string') {
      if (seen.has(json.idempotencyKey)) throw new Error('replayed idempotency key');
      seen.add(json.idempotencyKey);
    }
    return json;
  };
  const webhooks = new Webhooks({ appId, apiURI }, jsonFetch);
  const handlers = { $default: (record: Record<string, unknown>) => void handled.push(record) };
  return listen(async (req, body) => {
    const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]));
    await webhooks.processRequest(handlers as never, new Request(`http://127.0.0.1${req.url}`, { method: 'POST', headers, body: new Uint8Array(body) }));
  }, handled, answer);
}

/** The generated client's receiver: typed handlers per action, through `processNodeRequest`. */
export async function generatedReceiver(db: any, answer?: () => number | undefined): Promise<Receiver> {
  const handled: Record<string, unknown>[] = [];
  const push = (record: Record<string, unknown>) => void handled.push(record);
  const handlers = { goals: { create: push, update: push, delete: push }, $default: push };
  return listen((req, body) => db.webhooks.processNodeRequest(handlers, req, { body }), handled, answer);
}

/** Polls until `check` holds (deliveries are asynchronous); fails with `what` if it never does. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never happened: ${what}`);
}
