// Apps as the dashboard routes describe them. The local server keeps no titles in its database, so an
// app's title (and when it was created here) lives with the running server; apps it did not create
// through these routes are called "local app".

import { randomUUID } from 'node:crypto';
import { buildIR, type RuntimeSchema } from '../../ir/buildIR.js';
import { paramMalformed, paramMissing, validationError } from '../errors.js';
import { isObject, type Json, type JsonObject } from '../json.js';
import type { Engine } from '../engine.js';
import type { Services } from '../http/services.js';

interface AppInfo {
  title: string;
  createdAt: Date;
}

const DEFAULT_TITLE = 'local app';
/** ephemeral_app.clj `expiration-days`: reported, not enforced (the local server deletes nothing). */
const EXPIRATION_DAYS = 14;
const apps = new WeakMap<Engine, Map<string, AppInfo>>();

function registry(engine: Engine): Map<string, AppInfo> {
  let map = apps.get(engine);
  if (!map) apps.set(engine, (map = new Map()));
  return map;
}

export function appTitle(engine: Engine, appId: string): string {
  return registry(engine).get(appId)?.title ?? DEFAULT_TITLE;
}

/** `string-util/coerce-non-blank-str`. */
function titleParam(body: Record<string, Json> | undefined): string {
  const raw = body?.title;
  if (raw === undefined || raw === null || raw === false) throw paramMissing(['body', 'title']);
  if (typeof raw !== 'string' || raw.trim() === '') throw paramMalformed(['body', 'title'], raw);
  return raw;
}

/** `schema` is an `i.schema(...)` as JSON (what @instantdb/platform sends). */
function schemaParam(raw: Json | undefined) {
  if (raw === undefined || raw === null) return buildIR({ entities: {} }, 'ephemeral');
  if (!isObject(raw) || !isObject(raw.entities)) {
    throw validationError('schema', raw, [{ message: 'The schema must be an i.schema({ entities, links }) as JSON', in: ['schema'] }]);
  }
  return buildIR(raw as unknown as RuntimeSchema, 'ephemeral');
}

/**
 * `POST /dash/apps/ephemeral` (ephemeral_app.clj `http-post-handler`): a new app with its own admin token,
 * optional rules (`rules.code`, validated first: invalid rules create nothing) and schema.
 */
export function createEphemeralApp(s: Services, body: Record<string, Json> | undefined): JsonObject {
  const title = titleParam(body);
  const rules = isObject(body?.rules) ? body.rules.code : undefined;
  const schema = schemaParam(body?.schema);
  if (!s.createApp) throw new Error('this server cannot create apps');
  const app = { appId: randomUUID(), adminToken: randomUUID() };
  // A new app has no rules of its own: Instant's defaults, not the server's rules.
  s.createApp({ ...app, schema, rules: (rules ?? {}) as object });
  const createdAt = new Date();
  registry(s.engine).set(app.appId, { title, createdAt });
  return {
    app: {
      id: app.appId,
      title,
      creator_id: null,
      org_id: null,
      created_at: createdAt.toISOString(),
      'admin-token': app.adminToken,
    },
    expires_ms: createdAt.getTime() + EXPIRATION_DAYS * 24 * 60 * 60 * 1000,
  };
}
