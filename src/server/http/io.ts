// Reading requests and writing responses with node:http, the way Ring + ring-json behave for Instant:
// JSON bodies are parsed only for a JSON content type, a malformed one is a plain-text 400, and every
// response is JSON.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { paramMalformed, paramMissing } from '../errors.js';
import type { Json } from '../json.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../limits.js';
import { jsonDepthExceeds, readLimitedBody, tooDeepError } from './limits.js';

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: Record<string, Json> | undefined;
  /** The caller's address (`request.ip` in permission rules). */
  ip?: string;
}

export class MalformedJson extends Error {}

const JSON_TYPE = /^application\/(.+\+)?json/i;

type BodyLimits = Pick<ServerLimits, 'maxBodyBytes' | 'maxJsonDepth'>;

/** Throws MalformedJson, BodyTooLarge / ClientGone (http/limits.ts) or a 400 for JSON nested too deep. */
export async function readRequest(req: IncomingMessage, limits: BodyLimits = DEFAULT_LIMITS): Promise<ApiRequest> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  const raw = await readLimitedBody(req, limits.maxBodyBytes);
  const body = parseBody(headers['content-type'], raw, limits.maxJsonDepth);
  return { method: req.method ?? 'GET', path: url.pathname, query, headers, body, ip: req.socket.remoteAddress };
}

function parseBody(contentType: string | undefined, raw: string, maxDepth: number): Record<string, Json> | undefined {
  if (!contentType || !JSON_TYPE.test(contentType) || raw.trim() === '') return undefined;
  if (jsonDepthExceeds(raw, maxDepth)) throw tooDeepError(maxDepth);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new MalformedJson();
  }
  // Handlers read named params from the body; a non-object body simply has none.
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, Json>) : {};
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// ---- parameters (ex/get-param!, ex/get-optional-param!) ----

type Source = 'body' | 'params';

function lookupParam(req: ApiRequest, source: Source, key: string): unknown {
  return source === 'body' ? req.body?.[key] : req.query[key];
}

/** A missing (nil or false) parameter is `param-missing`; one the coercer rejects is `param-malformed`. */
export function requiredParam<T>(req: ApiRequest, source: Source, key: string, coerce: (x: unknown) => T | undefined): T {
  const raw = lookupParam(req, source, key);
  if (raw === undefined || raw === null || raw === false) throw paramMissing([source, key]);
  const value = coerce(raw);
  if (value === undefined) throw paramMalformed([source, key], raw);
  return value;
}

export function optionalParam<T>(req: ApiRequest, source: Source, key: string, coerce: (x: unknown) => T | undefined): T | undefined {
  const raw = lookupParam(req, source, key);
  if (raw === undefined || raw === null || raw === false) return undefined;
  const value = coerce(raw);
  if (value === undefined) throw paramMalformed([source, key], raw);
  return value;
}

// Coercers for parameters; a failed parse becomes Instant's `param-malformed` in the helpers above.

/** Any 8-4-4-4-12 hex string, like Java's UUID parsing (no version/variant check), lower-cased. */
const uuidParam = z.guid().transform((s) => s.toLowerCase());

/** `email/valid?`'s pattern, after `email/coerce` lower-cases and trims. */
const EMAIL_PATTERN =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const emailParam = z.string().toLowerCase().trim().regex(EMAIL_PATTERN);

export const asUuid = (x: unknown): string | undefined => uuidParam.safeParse(x).data;

/** `string-util/coerce-non-blank-str`. */
export const asNonBlankString = (x: unknown): string | undefined => (typeof x === 'string' && x.trim() !== '' ? x : undefined);

/** `coerce-string-vec`: a list of strings. */
export const asStrings = (x: unknown): string[] | undefined =>
  Array.isArray(x) && x.every((s) => typeof s === 'string') ? (x as string[]) : undefined;

export const asEmail = (x: unknown): string | undefined => emailParam.safeParse(x).data;
