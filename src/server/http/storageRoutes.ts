// Storage routes (admin/routes.clj `upload-put`, `file-delete`, `files-delete`, `files-get`,
// `signed-download-url-get`, `signed-upload-url-post`; storage/routes.clj `consume-upload-url-put`), plus
// the route that serves blobs behind signed urls (S3's role on Instant). The work is in ../files/.
//
// Uploads and downloads are raw routes: they stream the body from and to disk instead of going through
// the JSON body reader (io.ts) and its size limit.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { paramMalformed, paramMissing } from '../errors.js';
import type { Json } from '../json.js';
import { coerceContentType, FileTooLarge, fileTooLargeError, nonBlankHeader } from '../files/files.js';
import { BLOB_ROUTE_PREFIX } from '../files/signedUrls.js';
import type { Files } from '../files/files.js';
import { asNonBlankString, asStrings, requiredParam, sendJson, type ApiRequest } from './io.js';
import { ClientGone } from './limits.js';
import { authedAppId, resolveRequester } from './requester.js';
import type { Services } from './services.js';

export type RawHandler = (req: IncomingMessage, res: ServerResponse, s: Services) => Promise<void>;

function filesOf(s: Services): Files {
  if (!s.files) throw new Error('the server has no files capability');
  return s.files;
}

// ---- JSON routes ----

export function fileDelete(req: ApiRequest, s: Services): Json {
  const requester = resolveRequester(req, s.engine, s.users);
  const filename = requiredParam(req, 'params', 'filename', asNonBlankString);
  const [id] = filesOf(s).deleteByPaths(requester, [filename]);
  return { data: { id: id ?? null } };
}

export function filesDelete(req: ApiRequest, s: Services): Json {
  const requester = resolveRequester(req, s.engine, s.users);
  const filenames = requiredParam(req, 'body', 'filenames', asStrings);
  const ids = filesOf(s).deleteByPaths(requester, filenames);
  return { data: { ids: ids.filter((id): id is string => id !== null) } };
}

export function filesGet(req: ApiRequest, s: Services): Json {
  const appId = authedAppId(req, s.engine);
  return { data: filesOf(s).list(appId) };
}

export function signedDownloadUrlGet(req: ApiRequest, s: Services): Json {
  const appId = authedAppId(req, s.engine);
  const filename = requiredParam(req, 'params', 'filename', asNonBlankString);
  return { data: filesOf(s).downloadUrl(appId, filename) };
}

export function signedUploadUrlPost(req: ApiRequest, s: Services): Json {
  const appId = authedAppId(req, s.engine);
  const filename = requiredParam(req, 'body', 'filename', asNonBlankString);
  return { data: filesOf(s).createUploadUrl(appId, filename) };
}

// ---- raw routes ----

/** The request without its body (what io.ts `readRequest` gives handlers, minus the body). */
function requestHead(req: IncomingMessage): ApiRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return { method: req.method ?? 'GET', path: url.pathname, query, headers, body: undefined, ip: req.socket.remoteAddress };
}

/** The body, refused past `max` bytes; a body cut off before its end is an error, never a short file. */
async function* limitedBody(req: IncomingMessage, max: number): AsyncGenerator<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw new FileTooLarge(max);
  let size = 0;
  // Not `for await (… of req)`: leaving that loop early (the limit) would destroy the socket the 413 goes out on.
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new FileTooLarge(max);
    yield chunk;
  }
  if (!req.complete) throw new ClientGone();
}

/**
 * Errors of a raw route. The rest of an unread body is drained, not cut off: closing the connection while a
 * client in another process is still sending resets it, and the client sees a network error instead of
 * the answer. The server's request timeout (`requestTimeoutMs`) bounds how long a refused body is drained.
 */
async function answering(req: IncomingMessage, res: ServerResponse, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (e instanceof ClientGone || req.socket.destroyed) return;
    if (res.headersSent) throw e;
    if (!req.complete) req.resume();
    if (e instanceof FileTooLarge) return sendJson(res, 413, fileTooLargeError(e.limit).body());
    throw e;
  }
}

/** PUT /admin/storage/upload: headers `path`, `content-type`, `content-disposition`; the body is the file. */
async function uploadPut(req: IncomingMessage, res: ServerResponse, s: Services): Promise<void> {
  const files = filesOf(s);
  await answering(req, res, async () => {
    const head = requestHead(req);
    const requester = resolveRequester(head, s.engine, s.users);
    const rawPath = head.headers.path;
    if (rawPath === undefined) throw paramMissing(['path']);
    if (rawPath.trim() === '') throw paramMalformed(['path'], rawPath);
    const meta = {
      path: rawPath,
      contentType: coerceContentType(head.headers['content-type']),
      contentDisposition: nonBlankHeader(head.headers['content-disposition'], 'content-disposition'),
    };
    const data = await files.upload(requester, meta, limitedBody(req, files.maxFileBytes));
    sendJson(res, 200, { data });
  });
}

/** PUT /storage/<upload-id>/consume-upload-url: the deprecated two-step upload's second step. */
async function consumeUploadUrlPut(req: IncomingMessage, res: ServerResponse, s: Services, uploadId: string): Promise<void> {
  const files = filesOf(s);
  await answering(req, res, async () => {
    const contentType = coerceContentType(req.headers['content-type']);
    const data = await files.consumeUploadUrl(uploadId, contentType, limitedBody(req, files.maxFileBytes));
    sendJson(res, 200, { data });
  });
}

/** GET /storage/blobs/<appId>/<locationId>?expires=&signature=: the file, with its content type. */
async function blobGet(req: IncomingMessage, res: ServerResponse, s: Services, appId: string, locationId: string): Promise<void> {
  const { query } = requestHead(req);
  const blob = filesOf(s).blob(appId, locationId, query.expires, query.signature);
  if (blob === 'forged') return sendJson(res, 403, { type: 'permission-denied', message: 'The signature of this url is invalid.', hint: null });
  if (blob === 'expired') return sendJson(res, 403, { type: 'permission-denied', message: 'This url has expired.', hint: null });
  if (blob === 'missing') return sendJson(res, 404, { type: 'record-not-found', message: 'File not found.', hint: null });
  const headers: Record<string, string | number> = { 'content-type': blob.contentType, 'cache-control': 'private, max-age=86400' };
  if (blob.size !== undefined) headers['content-length'] = blob.size;
  if (blob.contentDisposition) headers['content-disposition'] = blob.contentDisposition;
  res.writeHead(200, headers);
  await pipeline(blob.stream, res).catch(() => res.destroy());
}

const UPLOAD_URL = /^\/storage\/([0-9a-fA-F-]{36})\/consume-upload-url$/;

/** The raw storage route for a request, if it is one. */
export function storageRawRoute(method: string, path: string): RawHandler | undefined {
  if (method === 'PUT' && path === '/admin/storage/upload') return uploadPut;
  const upload = method === 'PUT' ? UPLOAD_URL.exec(path) : null;
  if (upload) return (req, res, s) => consumeUploadUrlPut(req, res, s, upload[1].toLowerCase());
  if (method === 'GET' && path.startsWith(BLOB_ROUTE_PREFIX)) {
    const parts = path.slice(BLOB_ROUTE_PREFIX.length).split('/');
    if (parts.length !== 2) return undefined;
    const [appId, locationId] = parts.map((p) => safeDecode(p));
    if (appId === undefined || locationId === undefined) return undefined;
    return (req, res, s) => blobGet(req, res, s, appId, locationId);
  }
  return undefined;
}

function safeDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

