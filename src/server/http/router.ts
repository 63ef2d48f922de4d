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
import { subscribeQueryStream } from './liveRoutes.js';
import { queryPermsCheckPost, transactPermsCheckPost } from './permsCheckRoutes.js';
import type { Services } from './services.js';
import {
  fileDelete,
  filesDelete,
  filesGet,
  signedDownloadUrlGet,
  signedUploadUrlPost,
  storageRawRoute,
  type RawHandler,
} from './storageRoutes.js';

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
  if (raw) return answerErrors(req, res, services, () => raw(req, res, services));
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
  const handler = ROUTES[route];
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

/** A raw route's error, translated like any handler's (it may have taken the response over already). */
async function answerErrors(req: IncomingMessage, res: ServerResponse, services: Services, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (res.headersSent) throw e;
    const error = toInstantError(e);
    if (error.status >= 500) services.log(`[instant-codegen] ${req.method} ${req.url} failed: ${describe(e)}`);
    sendJson(res, error.status, error.body());
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
