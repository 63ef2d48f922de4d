// Reads a live app over the admin API: `GET /health/system` (is the server there at all) and
// `GET /admin/schema` (its attrs; parsed by util/adminSchema.ts).

import { parseSchemaResponse, type AdminSchemaAttr } from '../util/adminSchema.js';

export type LiveAttr = AdminSchemaAttr;

export interface LiveTarget {
  apiUri: string;
  appId: string;
  adminToken: string;
}

export type LiveResult =
  | { ok: true; attrs: LiveAttr[]; health: string }
  | { ok: false; problem: string };

/** Generous: a busy CI machine or a cold cloud app may be slow; this only bounds a hung connection. */
const REQUEST_TIMEOUT_MS = 60_000;

export async function readLiveApp(target: LiveTarget, masked: string): Promise<LiveResult> {
  const base = target.apiUri.replace(/\/+$/, '');
  let health: Response;
  try {
    health = await fetch(`${base}/health/system`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await health.text();
  } catch (error) {
    return { ok: false, problem: `cannot reach ${base}/health/system (${causeOf(error)}). Check --api-uri / INSTANT_API_URI and that the server is running.` };
  }
  const healthLine = health.ok ? 'ok' : `HTTP ${health.status}`;
  let res: Response;
  try {
    res = await fetch(`${base}/admin/schema`, {
      headers: { 'app-id': target.appId, authorization: `Bearer ${target.adminToken}` },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    return { ok: false, problem: `cannot reach ${base}/admin/schema (${causeOf(error)}).` };
  }
  const text = await res.text();
  if (!res.ok) {
    return {
      ok: false,
      problem: `${base}/admin/schema answered HTTP ${res.status} for app ${target.appId} with admin token ${masked}: ${errorMessage(text, target.adminToken, masked)}. Check --app-id / INSTANT_APP_ID and --admin-token / INSTANT_APP_ADMIN_TOKEN.`,
    };
  }
  try {
    return { ok: true, attrs: parseSchemaResponse(JSON.parse(text)), health: healthLine };
  } catch (error) {
    return { ok: false, problem: `${base}/admin/schema did not answer with a schema (${(error as Error).message}).` };
  }
}

/** The error body's `message` (Instant's error shape), with the token blanked: Instant echoes it in `hint.args`. */
function errorMessage(text: string, token: string, masked: string): string {
  let message = text.slice(0, 300);
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body?.message === 'string') message = body.message;
  } catch {
    // not JSON (a proxy's HTML page, ...): the start of the text will do
  }
  return message.split(token).join(masked);
}

function causeOf(error: unknown): string {
  const e = error as { cause?: { code?: string; message?: string }; name?: string; message?: string };
  if (e?.name === 'TimeoutError') return `no answer in ${REQUEST_TIMEOUT_MS / 1000} s`;
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}
