// The messages of an admin subscription, as session.clj sends them over SSE (`undertow-sse-admin-config`):
// `sse-init`, then `add-query-ok` (or `error`) for the query, then `refresh-ok` whenever its result changes.
// Instant also puts the app's attrs in every refresh-ok of sessions that did not opt out (the admin SDK never
// reads them); they are left out here.

import { InstantError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import type { ResultMeta } from '../query/execute.js';

export interface Evaluation {
  result: JsonObject;
  meta: ResultMeta;
}

export function sseInit(machineId: string, sessionId: string, sseToken: string): JsonObject {
  return { op: 'sse-init', 'machine-id': machineId, 'session-id': sessionId, 'sse-token': sseToken };
}

export function addQueryOk(q: JsonObject, ev: Evaluation, txId: number, clientEventId: string): JsonObject {
  return {
    op: 'add-query-ok',
    q,
    result: ev.result,
    'result-meta': ev.meta,
    'processed-tx-id': txId,
    'client-event-id': clientEventId,
  };
}

/** The serialized evaluation: what is compared to tell whether a result changed, and what refresh-ok carries. */
export function evaluationText(ev: Evaluation): string {
  return JSON.stringify({ 'instaql-result': ev.result, 'result-meta': ev.meta });
}

/**
 * `{op: refresh-ok, processed-tx-id, computations: [{instaql-query, instaql-result, result-meta}]}`, built
 * around `evaluationText` so that a result sent to many subscriptions is serialized once.
 */
export function refreshOkText(q: JsonObject, evaluation: string, txId: number): string {
  return `{"op":"refresh-ok","processed-tx-id":${txId},"computations":[{"instaql-query":${JSON.stringify(q)},${evaluation.slice(1)}]}`;
}

/** Instant exceptions of these types are the client's fault (session.clj `handle-instant-exception`). */
const CLIENT_ERRORS = new Set([
  'record-not-found',
  'record-expired',
  'record-not-unique',
  'record-foreign-key-invalid',
  'record-check-violation',
  'sql-raise',
  'permission-denied',
  'permission-evaluation-failed',
  'app-read-only',
  'app-disabled',
  'rate-limited',
  'param-missing',
  'param-malformed',
  'validation-failed',
]);

/** `{op: error}` for the event that failed; errors that are not InstantErrors stay opaque. */
export function errorMessage(e: unknown, originalEvent: JsonObject): JsonObject {
  const clientEventId = (originalEvent['client-event-id'] as Json) ?? null;
  if (!(e instanceof InstantError)) {
    return {
      op: 'error',
      status: 500,
      'client-event-id': clientEventId,
      'original-event': originalEvent,
      message: 'Yikes, something broke on our end! Sorry about that.',
    };
  }
  return {
    op: 'error',
    status: CLIENT_ERRORS.has(e.type) ? 400 : 500,
    'client-event-id': clientEventId,
    'original-event': originalEvent,
    type: e.type,
    message: e.message,
    hint: e.hint as Json,
  };
}
