// Routing and error translation (util/http.clj `wrap-errors`): handlers return the 200 body or throw;
// InstantErrors become `{type, message, hint}` with their status, anything else an opaque 500.
// Streaming handlers (SSE) take the response over instead; until they start writing, what they throw is
// answered like any other handler's error.

import type { ServerResponse as Response } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InstantError, toInstantError } from '../errors.js';
import type { Json } from '../json.js';
import { queryPost, schemaGet, transactPost } from './adminRoutes.js';
import {
  magicCodePost,
  refreshTokensPost,
  sendMagicCodePost,
  signInGuestPost,
  signOutPost,
  usersDelete,
  usersGet,
  verifyMagicCodePost,
  verifyRefreshTokenPost,
} from './authRoutes.js';
import { MalformedJson, readRequest, sendJson, sendText, type ApiRequest } from './io.js';
import { BodyTooLarge, ClientGone, tooLargeError } from './limits.js';
import { healthGet } from './healthRoutes.js';
import { platformRoute } from './platformRoutes.js';
import { subscribeQueryStream } from './liveRoutes.js';
import { queryPermsCheckPost, transactPermsCheckPost } from './permsCheckRoutes.js';
import type { Services } from './services.js';
import { presenceGet } from './presenceRoutes.js';
import { webhookRoute } from './webhookRoutes.js';

type Handler = (req: ApiRequest, s: Services) => Json;
type StreamHandler = (req: ApiRequest, s: Services, res: Response) => void;

const ROUTES: Record<string, Handler> = {
  'POST /admin/query': queryPost,
  'POST /admin/transact': transactPost,
  'POST /admin/query_perms_check': queryPermsCheckPost,
  'POST /admin/transact_perms_check': transactPermsCheckPost,
  'GET /admin/schema': schemaGet,
  'POST /admin/refresh_tokens': refreshTokensPost,
  'POST /admin/sign_out': signOutPost,
  'GET /admin/users': usersGet,
  'DELETE /admin/users': usersDelete,
  'POST /admin/magic_code': magicCodePost,
  'POST /admin/send_magic_code': sendMagicCodePost,
  'POST /admin/verify_magic_code': verifyMagicCodePost,
  'POST /admin/sign_in_guest': signInGuestPost,
  'POST /runtime/auth/verify_refresh_token': verifyRefreshTokenPost,
  'GET /health/system': healthGet,
  // Presence (parity helper): no WebSocket peers locally, only sessions tests register.
  'GET /admin/rooms/presence': presenceGet,
};

const STREAM_ROUTES: Record<string, StreamHandler> = {
  'POST /admin/subscribe-query': subscribeQueryStream,
};

const NOT_FOUND = { message: "Oops! We couldn't match this route." };

export function createHandler(services: Services): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res, services).catch((e: unknown) => {
      services.log(`[instant-codegen] unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) sendJson(res, 500, toInstantError(e).body());
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, services: Services): Promise<void> {
  let request: ApiRequest;
  try {
    request = await readRequest(req, services.limits);
  } catch (e) {
    if (e instanceof MalformedJson) return sendText(res, 400, 'Malformed JSON in request body.');
    if (e instanceof ClientGone) return;
    if (e instanceof BodyTooLarge) {
      // The rest of the body is not wanted: close the connection once the 413 is out.
      res.setHeader('connection', 'close');
      return sendJson(res, 413, tooLargeError(e.limit).body());
    }
    if (e instanceof InstantError) return sendJson(res, e.status, e.body());
    throw e;
  }
  const route = `${request.method} ${request.path}`;
  const stream = services.live ? STREAM_ROUTES[route] : undefined;
  const handler = ROUTES[route] ?? platformRoute(request.method, request.path);
  // Webhooks: the JWKS, payloads and the manager's /dash routes (paths with parameters, matched apart).
  const webhook = handler !== undefined || stream || !services.webhooks ? undefined : webhookRoute(request);
  if (webhook) return respond(res, services, request, () => webhook(request, services, res));
  if (!handler && !stream) return sendJson(res, 404, NOT_FOUND);
  try {
    if (stream) stream(request, services, res);
    else sendJson(res, 200, handler(request, services));
  } catch (e) {
    if (res.headersSent) throw e;
    const error = toInstantError(e);
    if (error.status >= 500) services.log(`[instant-codegen] ${request.method} ${request.path} failed: ${describe(e)}`);
    sendJson(res, error.status, error.body());
  }
}

/** A handler's 200 body, or its error translated like any other handler's. */
function respond(res: ServerResponse, services: Services, request: ApiRequest, run: () => Json): void {
  try {
    sendJson(res, 200, run());
  } catch (e) {
    const error = toInstantError(e);
    if (error.status >= 500) services.log(`[instant-codegen] ${request.method} ${request.path} failed: ${describe(e)}`);
    sendJson(res, error.status, error.body());
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
