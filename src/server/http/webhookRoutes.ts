// Webhook routes (webhook_routes.clj, and the manager's in dash/routes.clj): thin handlers over
// WebhookService. Their paths carry parameters (and an ISN such as `0/0/1A` with slashes in it), so they
// are matched here rather than in the router's table.

import type { ServerResponse } from 'node:http';
import { paramMalformed } from '../errors.js';
import { coerceUuid, type Json } from '../json.js';
import { bearerToken, dashAppId } from '../dashAuth.js';
import { isnOfTx, txOfIsn } from '../webhooks/isn.js';
import type { EventRow, WebhookRow, WebhookService } from '../webhooks/index.js';
import { asNonBlankString, asStrings, optionalParam, requiredParam, type ApiRequest } from './io.js';
import type { Services } from './services.js';

export type WebhookHandler = (req: ApiRequest, s: Services, res: ServerResponse) => Json;

const EVENTS_PAGE_SIZE = 100;

/** The handler for a webhook route, with its path parameters bound; undefined for other paths. */
export function webhookRoute(req: ApiRequest): WebhookHandler | undefined {
  const { method, path } = req;
  if (method === 'GET' && path === '/.well-known/webhooks/jwks.json') return (_r, s) => service(s).jwks() as unknown as Json;
  const payload = /^\/webhooks\/payload\/([^/]+)\/([^/]+)\/(.+)$/.exec(path);
  if (payload && method === 'GET') return (r, s, res) => payloadGet(r, s, res, payload[1]!, payload[2]!, payload[3]!);
  const dash = /^\/dash\/apps\/([^/]+)\/webhooks(?:\/([^/]+)(?:\/(enable|disable|events)(?:\/(.+))?)?)?$/.exec(path);
  if (!dash) return undefined;
  const [, app, webhook, sub, isn] = dash as unknown as [string, string, string?, string?, string?];
  const route = `${method} ${webhook === undefined ? '' : ':id'}${sub ? `/${sub}` : ''}${isn === undefined ? '' : '/*'}`;
  const run = DASH_ROUTES[route];
  if (!run) return undefined;
  return (r, s) => run({ req: r, s: service(s), appId: dashAppId(s.engine, r.headers.authorization, app), webhookId: webhook, isn });
}

function service(s: Services): WebhookService {
  // Present whenever the server runs (startServer); the guard is for handlers built without it.
  if (!s.webhooks) throw new Error('webhooks are not enabled on this server');
  return s.webhooks;
}

interface DashCall {
  req: ApiRequest;
  s: WebhookService;
  appId: string;
  webhookId: string | undefined;
  isn: string | undefined;
}

const webhookIdOf = (c: DashCall): string => coerceUuid(c.webhookId) ?? throwMalformed(['params', 'webhook_id'], c.webhookId);
const txIdOf = (isn: string | undefined): number => txOfIsn(isn ?? '') ?? throwMalformed(['params', '*'], isn);

function throwMalformed(path: string[], input: unknown): never {
  throw paramMalformed(path, input);
}

const DASH_ROUTES: Record<string, (c: DashCall) => Json> = {
  'GET ': (c) => ({ webhooks: c.s.store.list(c.appId).map(webhookJson) }),
  'POST ': (c) => ({
    webhook: webhookJson(c.s.manager.create(c.appId, { url: requiredParam(c.req, 'body', 'url', asNonBlankString), namespaces: requiredParam(c.req, 'body', 'namespaces', asStrings), actions: requiredParam(c.req, 'body', 'actions', asStrings) })),
  }),
  'POST :id': (c) => {
    const body = c.req.body ?? {};
    const params = {
      ...('url' in body ? { url: requiredParam(c.req, 'body', 'url', asNonBlankString) } : {}),
      ...('namespaces' in body ? { namespaces: requiredParam(c.req, 'body', 'namespaces', asStrings) } : {}),
      ...('actions' in body ? { actions: requiredParam(c.req, 'body', 'actions', asStrings) } : {}),
    };
    return { webhook: webhookJson(c.s.manager.update(c.appId, webhookIdOf(c), params)) };
  },
  'DELETE :id': (c) => ({ webhook: webhookJson(c.s.manager.delete(c.appId, webhookIdOf(c))) }),
  'POST :id/enable': (c) => ({ webhook: webhookJson(c.s.manager.enable(c.appId, webhookIdOf(c))) }),
  'POST :id/disable': (c) => ({ webhook: webhookJson(c.s.manager.disable(c.appId, webhookIdOf(c), optionalParam(c.req, 'body', 'reason', asNonBlankString))) }),
  'GET :id/events': eventsGet,
  'GET :id/events/*': (c) => ({ event: eventJson(c.s.event(c.appId, webhookIdOf(c), txIdOf(c.isn))) }),
  'POST :id/events/*': (c) => ({ event: eventJson(c.s.resend(c.appId, webhookIdOf(c), txIdOf(c.isn))) }),
};

/** `webhook-events-get`: newest first, 100 a page, with opaque cursors over (created_at, isn). */
function eventsGet(c: DashCall): Json {
  const webhookId = webhookIdOf(c);
  const raw = c.req.query.after;
  const after = raw ? (decodeCursor(raw) ?? throwMalformed(['params', 'after'], raw)) : undefined;
  const rows = c.s.events(c.appId, webhookId, EVENTS_PAGE_SIZE + 1, after);
  const page = rows.slice(0, EVENTS_PAGE_SIZE);
  const cursor = (e: EventRow | undefined) => (e ? encodeCursor(e) : null);
  return {
    events: page.map(eventJson),
    pageInfo: { startCursor: cursor(page[0]), endCursor: cursor(page[page.length - 1]), hasNextPage: rows.length > EVENTS_PAGE_SIZE },
  };
}

function encodeCursor(e: EventRow): string {
  const buf = Buffer.alloc(16);
  buf.writeBigInt64BE(BigInt(e.createdAt), 0);
  buf.writeBigInt64BE(BigInt(e.txId), 8);
  return buf.toString('base64url');
}

function decodeCursor(raw: string): { createdAt: number; txId: number } | undefined {
  const buf = Buffer.from(raw, 'base64url');
  if (buf.length !== 16) return undefined;
  return { createdAt: Number(buf.readBigInt64BE(0)), txId: Number(buf.readBigInt64BE(8)) };
}

/** `get-payload`: a payload JWT (the delivery's token) or the app's admin token; never cached. */
function payloadGet(req: ApiRequest, s: Services, res: ServerResponse, rawApp: string, rawWebhook: string, isn: string): Json {
  const webhookId = coerceUuid(rawWebhook) ?? throwMalformed(['params', 'webhook_id'], rawWebhook);
  if (txOfIsn(isn) === undefined) throwMalformed(['params', '*'], isn);
  const appIdParam = coerceUuid(rawApp) ?? throwMalformed(['params', 'app_id'], rawApp);
  const token = bearerToken(req.headers.authorization);
  const jwt = token.startsWith('eyJ') ? token : undefined;
  const appId = jwt ? appIdParam : dashAppId(s.engine, req.headers.authorization, rawApp);
  res.setHeader('cache-control', 'no-store, private');
  res.setHeader('pragma', 'no-cache');
  res.setHeader('expires', '0');
  res.setHeader('vary', 'Authorization');
  return service(s).payload(appId, webhookId, isn, jwt) as unknown as Json;
}

// ---- JSON shapes (dash/routes.clj `webhook-row->response`, `webhook-event-row->response`) ----

const iso = (ms: number) => new Date(ms).toISOString();

function webhookJson(w: WebhookRow): Json {
  return {
    id: w.id,
    sink: { url: w.url },
    namespaces: w.namespaces,
    actions: w.actions,
    status: w.status,
    disabled_reason: w.disabledReason,
    created_at: iso(w.createdAt),
    updated_at: iso(w.updatedAt),
  };
}

function eventJson(e: EventRow): Json {
  return {
    isn: isnOfTx(e.txId),
    status: e.status,
    attempts: e.attempts as unknown as Json,
    next_attempt_after: e.nextAttemptAfter === null ? null : iso(e.nextAttemptAfter),
    created_at: iso(e.createdAt),
    updated_at: iso(e.updatedAt),
  };
}
