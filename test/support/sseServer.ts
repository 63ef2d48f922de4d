// A fake `/admin/subscribe-query` on loopback: each POST becomes a connection the test drives by hand,
// sending Instant's SSE messages (docs/wire-protocol.md §4.5; upstream server/src/instant/reactive/session.clj
// undertow-sse-admin-config, reactive/query.clj for `result-meta`).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SseConnection {
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The query string, without `?`. */
  query: string;
  rawBody: string;
  body: any;
  /** Sends one message as a `data:` event. */
  send(message: object): void;
  /** Writes raw event-stream text. */
  raw(text: string): void;
  /** Ends the stream (the client should reconnect). */
  end(): void;
  /** Resolves when the connection is gone, whoever closed it. */
  readonly closed: Promise<void>;
  readonly isClosed: boolean;
}

export interface Refusal {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface FakeSseServer {
  readonly url: string;
  /** Every connection so far (refused POSTs included, with `send` doing nothing). */
  readonly connections: readonly SseConnection[];
  /** The n-th connection (0-based), once it has come. */
  connection(n: number): Promise<SseConnection>;
  /** Answers the next POSTs with this instead of a stream. */
  refuse(refusal: Refusal, times?: number): void;
  close(): Promise<void>;
}

export async function startSseServer(): Promise<FakeSseServer> {
  const connections: SseConnection[] = [];
  const waiters = new Map<number, (c: SseConnection) => void>();
  const refusals: Refusal[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      const url = req.url ?? '/';
      const refusal = refusals.shift();
      let isClosed = false;
      const closed = new Promise<void>((resolve) =>
        res.on('close', () => {
          isClosed = true;
          resolve();
        }),
      );
      if (refusal) {
        res.writeHead(refusal.status, { 'content-type': 'application/json', ...refusal.headers });
        res.end(refusal.body);
      } else {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.flushHeaders();
      }
      const connection: SseConnection = {
        headers,
        query: url.includes('?') ? url.slice(url.indexOf('?') + 1) : '',
        rawBody,
        body: rawBody ? JSON.parse(rawBody) : undefined,
        send: (message) => {
          if (!refusal && !isClosed) res.write(`data: ${JSON.stringify(message)}\n\n`);
        },
        raw: (text) => {
          if (!refusal && !isClosed) res.write(text);
        },
        end: () => res.end(),
        closed,
        get isClosed() {
          return isClosed;
        },
      };
      const n = connections.push(connection) - 1;
      waiters.get(n)?.(connection);
      waiters.delete(n);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    connection: (n) =>
      connections[n] ? Promise.resolve(connections[n]) : new Promise((resolve) => waiters.set(n, resolve)),
    refuse: (refusal, times = 1) => {
      for (let i = 0; i < times; i++) refusals.push(refusal);
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Instant's messages (session.clj handle-sse-init!, handle-add-query!, handle-refresh!; ex.clj error shape).
export const MACHINE_ID = '6c1e3a4b-0000-4000-8000-000000000001';
export const SESSION_ID = '6c1e3a4b-0000-4000-8000-000000000002';

export const sseInit = () => ({
  op: 'sse-init',
  'machine-id': MACHINE_ID,
  'session-id': SESSION_ID,
  'sse-token': '6c1e3a4b-0000-4000-8000-000000000003',
});

export const addQueryOk = (q: unknown, result: unknown, meta: object = { 'page-info': {}, aggregate: {} }) => ({
  op: 'add-query-ok',
  q,
  result,
  'result-meta': meta,
  'processed-tx-id': 10,
  'client-event-id': '6c1e3a4b-0000-4000-8000-000000000004',
});

export const refreshOk = (result: unknown, meta: object = { 'page-info': {}, aggregate: {} }, txId = 11) => ({
  op: 'refresh-ok',
  computations: [{ 'instaql-query': {}, 'instaql-result': result, 'result-meta': meta }],
  attrs: [],
  'processed-tx-id': txId,
});

export const errorOp = (status: number, message: string, type = 'validation-failed') => ({
  op: 'error',
  status,
  type,
  message,
  hint: { 'data-type': 'query' },
  'client-event-id': '6c1e3a4b-0000-4000-8000-000000000005',
});
