// A stand-in for the Instant admin API that records every request and answers like the real server
// (docs/wire-protocol.md §4), so two clients can be compared on what they put on the wire.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  /** The path without the query string, e.g. `/admin/query`. */
  path: string;
  /** The raw query string, without `?` (`''` when there is none). */
  query: string;
  /** Header names lower-cased; repeated headers joined with `, ` (Node's default). */
  headers: Record<string, string>;
  /** The raw request body (`''` when there is none). */
  rawBody: string;
  /** The body parsed as JSON, or the raw text when it is not JSON (`undefined` when empty). */
  body: unknown;
}

export interface ScriptedResponse {
  status: number;
  /** A string is sent as is; anything else as JSON. */
  body: unknown;
  /** Defaults to `application/json` for non-strings and `text/plain` for strings. */
  contentType?: string;
  /** Extra response headers (e.g. `retry-after`). */
  headers?: Record<string, string>;
}

export interface CaptureServer {
  /** `http://127.0.0.1:<port>`: pass as `apiURI`. */
  readonly url: string;
  /** Every request received since the last `take()`/`reset()`, in arrival order. */
  readonly requests: readonly CapturedRequest[];
  /** Returns the recorded requests and forgets them. */
  take(): CapturedRequest[];
  /** Answers the next `times` requests (default 1) with this response instead of the canned one. */
  script(response: ScriptedResponse, times?: number): void;
  /** Forgets recorded requests and scripted responses. */
  reset(): void;
  close(): Promise<void>;
}

export const CANNED_USER = {
  id: '0f3b9b0e-2f5c-4c33-9a51-6a1f3c8d2e10',
  app_id: '11111111-2222-4333-8444-555555555555',
  email: 'alyssa@example.com',
  created_at: '2024-05-01T12:34:56Z',
  isGuest: false,
  type: 'user',
  refresh_token: '7a1c2f4e-9d3b-4e8a-b6f0-2c5d8e1a9b37',
} as const;

function cannedResponse(method: string, path: string, body: unknown): ScriptedResponse {
  const user = { ...CANNED_USER };
  switch (`${method} ${path}`) {
    case 'POST /admin/query': {
      const query = (body as { query?: Record<string, unknown> } | undefined)?.query ?? {};
      const result: Record<string, unknown[]> = {};
      for (const key of Object.keys(query)) if (key !== '$$ruleParams') result[key] = [];
      return { status: 200, body: result };
    }
    case 'POST /admin/transact':
      return { status: 200, body: { 'tx-id': 1 } };
    case 'POST /admin/query_perms_check': {
      const query = (body as { query?: Record<string, unknown> } | undefined)?.query ?? {};
      const result: Record<string, unknown[]> = {};
      for (const key of Object.keys(query)) if (key !== '$$ruleParams') result[key] = [];
      return { status: 200, body: { 'check-results': [], result, 'rule-wheres': null } };
    }
    case 'POST /admin/transact_perms_check':
      return { status: 200, body: { 'tx-id': 1, 'all-checks-ok?': true, 'committed?': false, 'check-results': [] } };
    case 'POST /admin/refresh_tokens':
      return { status: 200, body: { user, created: true } };
    case 'POST /runtime/auth/verify_refresh_token':
      return { status: 200, body: { user } };
    case 'GET /admin/users':
      return { status: 200, body: { user } };
    case 'DELETE /admin/users':
      return { status: 200, body: { deleted: user } };
    case 'POST /admin/sign_out':
      return { status: 200, body: { ok: true } };
    case 'POST /admin/magic_code':
    case 'POST /admin/send_magic_code':
      return { status: 200, body: { code: '123456' } };
    case 'POST /admin/verify_magic_code':
      return { status: 200, body: { user, created: false } };
    case 'GET /admin/rooms/presence':
      return { status: 200, body: { sessions: {} } };
    default:
      return { status: 404, body: { message: "Oops! We couldn't match this route." } };
  }
}

// `/admin/subscribe-query` answers with an event stream that stays open, as Instant's does
// (session.clj undertow-sse-admin-config: `retry: 500`, then `sse-init`, then `add-query-ok`).
export const CANNED_SESSION = { machineId: '5d4c3b2a-0000-4000-8000-00000000000a', sessionId: '5d4c3b2a-0000-4000-8000-00000000000b' };
export const CANNED_COUNT = 7;
/** The cursor every canned page starts and ends at. */
export const CANNED_CURSOR = ['5d4c3b2a-0000-4000-8000-00000000000c', '5d4c3b2a-0000-4000-8000-00000000000d', 'x', 1714566896000];

function cannedStream(body: unknown, res: http.ServerResponse): void {
  const query = (body as { query?: Record<string, { $?: Record<string, unknown> }> } | undefined)?.query ?? {};
  const result: Record<string, unknown[]> = {};
  const pageInfo: Record<string, unknown> = {};
  const aggregate: Record<string, unknown> = {};
  for (const [ns, sub] of Object.entries(query)) {
    if (ns === '$$ruleParams') continue;
    result[ns] = [];
    const options = sub?.$ ?? {};
    if (options.aggregate === 'count') aggregate[ns] = { count: CANNED_COUNT };
    if (['first', 'last', 'after', 'before', 'limit', 'offset'].some((k) => k in options))
      pageInfo[ns] = { 'start-cursor': CANNED_CURSOR, 'end-cursor': CANNED_CURSOR, 'has-next-page?': true, 'has-previous-page?': false };
  }
  const send = (message: object) => res.write(`data: ${JSON.stringify(message)}\n\n`);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'nocache' });
  res.write('retry: 500\n\n');
  send({ op: 'sse-init', 'machine-id': CANNED_SESSION.machineId, 'session-id': CANNED_SESSION.sessionId, 'sse-token': CANNED_SESSION.sessionId });
  send({ op: 'add-query-ok', q: query, result, 'result-meta': { 'page-info': pageInfo, aggregate }, 'processed-tx-id': 1, 'client-event-id': CANNED_SESSION.sessionId });
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export async function startCaptureServer(): Promise<CaptureServer> {
  let requests: CapturedRequest[] = [];
  let scripted: ScriptedResponse[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      const captured: CapturedRequest = {
        method: req.method ?? '',
        path: q === -1 ? rawUrl : rawUrl.slice(0, q),
        query: q === -1 ? '' : rawUrl.slice(q + 1),
        headers,
        rawBody,
        body: parseBody(rawBody),
      };
      requests.push(captured);
      if (captured.path === '/admin/subscribe-query' && scripted.length === 0) return cannedStream(captured.body, res);
      const response = scripted.shift() ?? cannedResponse(captured.method, captured.path, captured.body);
      const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
      const contentType = response.contentType ?? (typeof response.body === 'string' ? 'text/plain' : 'application/json');
      res.writeHead(response.status, { ...response.headers, 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    take() {
      const taken = requests;
      requests = [];
      return taken;
    },
    script(response, times = 1) {
      for (let i = 0; i < times; i++) scripted.push(response);
    },
    reset() {
      requests = [];
      scripted = [];
    },
    close() {
      // undici keeps connections alive: drop them, or close() waits for their idle timeout.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
