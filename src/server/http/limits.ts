// HTTP-level enforcement of the server's limits (../limits.ts): request bodies are read up to
// `maxBodyBytes` (413 beyond), JSON nesting is checked before parsing (400 beyond `maxJsonDepth`), and
// node:http's own timers answer 408 to clients that send their request too slowly.

import type { IncomingMessage, ServerOptions } from 'node:http';
import { InstantError, validationError } from '../errors.js';
import type { ServerLimits } from '../limits.js';

/** The body is larger than `maxBodyBytes` (declared in content-length, or as it arrives). */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/** The client went away (or node:http gave up on it) before its body was complete: nobody to answer. */
export class ClientGone extends Error {}

export function tooLargeError(limit: number): InstantError {
  return new InstantError(
    'payload-too-large',
    `The request body is larger than the server's limit of ${limit} bytes.`,
    { 'limit-bytes': limit },
    413,
  );
}

export function tooDeepError(limit: number): InstantError {
  return validationError('body', null, [
    { expected: 'max-depth?', in: [], message: `JSON nesting is deeper than the server's limit of ${limit} levels` },
  ]);
}

/**
 * Reads the whole body, refusing it as soon as it is known to be too large. The rest of a refused body is
 * drained (not kept) so that the client can read the 413 that follows.
 */
export function readLimitedBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.reject(new BodyTooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) {
        req.resume();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size).toString('utf8'));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) settle(new BodyTooLarge(maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => settle();
    const onError = () => settle(new ClientGone());
    const onClose = () => {
      if (!req.complete) settle(new ClientGone());
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Whether a JSON text nests arrays/objects deeper than `max` (scanned before parsing, in linear time
 * and constant space, so that no later recursion over the parsed value can overflow the stack).
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * node:http options: a client must send its headers within `headersTimeoutMs` and its whole request within
 * `requestTimeoutMs`, else node:http answers 408 and closes the connection. Timers are checked often
 * enough for short limits to be honoured promptly.
 */
export function httpServerOptions(limits: ServerLimits): ServerOptions {
  return {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}
