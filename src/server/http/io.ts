// Reading requests and writing responses with node:http, the way Ring + ring-json behave for Instant:
// JSON bodies are parsed only for a JSON content type, a malformed one is a plain-text 400, and every
// response is JSON.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { paramMalformed, paramMissing } from '../errors.js';
import type { Json } from '../json.js';

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: Record<string, Json> | undefined;
}

export class MalformedJson extends Error {}

const JSON_TYPE = /^application\/(.+\+)?json/i;
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readRequest(req: IncomingMessage): Promise<ApiRequest> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  const raw = await readBody(req);
  return { method: req.method ?? 'GET', path: url.pathname, query, headers, body: parseBody(headers['content-type'], raw) };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new MalformedJson();
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(contentType: string | undefined, raw: string): Record<string, Json> | undefined {
  if (!contentType || !JSON_TYPE.test(contentType) || raw.trim() === '') return undefined;
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

export const asEmail = (x: unknown): string | undefined => emailParam.safeParse(x).data;
