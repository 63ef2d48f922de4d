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
import {
  fileDelete,
  filesDelete,
  filesGet,
  signedDownloadUrlGet,
  signedUploadUrlPost,
  storageRawRoute,
  type RawHandler,
} from './storageRoutes.js';

type Handler = (req: ApiRequest, s: Services, res: Response) => Json;
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
  // Presence: no WebSocket peers locally, only sessions tests register.
  'GET /admin/rooms/presence': presenceGet,
  // Storage (the upload and blob downloads are raw routes, below).
  'DELETE /admin/storage/files': fileDelete,
  'POST /admin/storage/files/delete': filesDelete,
  'GET /admin/storage/files': filesGet,
  'GET /admin/storage/signed-download-url': signedDownloadUrlGet,
  'POST /admin/storage/signed-upload-url': signedUploadUrlPost,
};

const STREAM_ROUTES: Record<string, StreamHandler> = {
  'POST /admin/subscribe-query': subscribeQueryStream,
};

/** Routes that stream the request body themselves instead of the JSON body reader (file uploads, blob downloads). */
const RAW_ROUTES: ((method: string, path: string) => RawHandler | undefined)[] = [storageRawRoute];

function rawRoute(req: IncomingMessage, services: Services): RawHandler | undefined {
  if (!services.files) return undefined;
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  for (const match of RAW_ROUTES) {
    const handler = match(req.method ?? 'GET', path);
    if (handler) return handler;
  }
  return undefined;
}

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
  const raw = rawRoute(req, services);
  if (raw) return answer(res, services, `${req.method} ${req.url}`, () => raw(req, res, services));
  const request = await readOrRefuse(req, res, services);
  if (!request) return;
  const route = `${request.method} ${request.path}`;
  const stream = services.live ? STREAM_ROUTES[route] : undefined;
  if (stream) return answer(res, services, route, () => stream(request, services, res));
  // Then the routes with parameters in their paths: the platform's (instant-cli) and the webhooks' (JWKS,
  // payloads, the manager's /dash routes).
  const handler =
    ROUTES[route] ?? platformRoute(request.method, request.path) ?? (services.webhooks ? webhookRoute(request) : undefined);
  if (!handler) return sendJson(res, 404, NOT_FOUND);
  return answer(res, services, route, () => sendJson(res, 200, handler(request, services, res)));
}

/** The request with its JSON body, or undefined when it was refused (malformed, too large, client gone). */
async function readOrRefuse(req: IncomingMessage, res: ServerResponse, services: Services): Promise<ApiRequest | undefined> {
  try {
    return await readRequest(req, services.limits);
  } catch (e) {
    if (e instanceof MalformedJson) return void sendText(res, 400, 'Malformed JSON in request body.');
    if (e instanceof ClientGone) return undefined;
    if (e instanceof BodyTooLarge) {
      // The rest of the body is not wanted: close the connection once the 413 is out.
      res.setHeader('connection', 'close');
      return void sendJson(res, 413, tooLargeError(e.limit).body());
    }
    if (e instanceof InstantError) return void sendJson(res, e.status, e.body());
    throw e;
  }
}

/**
 * Runs a route; what it throws is answered as util/http.clj `wrap-errors` would, unless the route has
 * started its own response (streams, raw routes), when it is the connection's problem.
 */
async function answer(res: ServerResponse, services: Services, route: string, run: () => void | Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (res.headersSent) throw e;
    const error = toInstantError(e);
    if (error.status >= 500) services.log(`[instant-codegen] ${route} failed: ${describe(e)}`);
    sendJson(res, error.status, error.body());
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
