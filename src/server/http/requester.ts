// Who is calling (admin/routes.clj `req->app-id-untrusted!`, `req->app-id-authed!`, `get-perms!`):
// the app id comes from the `app-id` header, else the `app_id` query param; the admin token is the
// Bearer token; impersonation headers take precedence as-token > as-email > as-guest > admin.

import { paramMalformed, paramMissing, recordNotFound } from '../errors.js';
import { coerceUuid } from '../json.js';
import type { Engine } from '../engine.js';
import { bearerToken } from '../dashAuth.js';
import type { Users } from '../auth/users.js';
import type { Requester } from '../permissions.js';
import type { ApiRequest } from './io.js';

export function untrustedAppId(req: ApiRequest): string {
  const fromHeader = req.headers['app-id'];
  const raw = fromHeader || req.query.app_id;
  const path = fromHeader ? ['headers', 'app-id'] : ['query-params', 'app_id'];
  if (!raw) throw paramMissing(['headers', 'app-id'], { 'possible-ins': [['query-params', 'app_id']] });
  const appId = coerceUuid(raw);
  if (!appId) {
    throw paramMalformed(path, raw, { 'possible-ins': [['headers', 'app-id'], ['query-params', 'app_id']] });
  }
  return appId;
}

/** The Bearer token, which on admin routes must be a uuid. */
function adminToken(req: ApiRequest): string {
  const header = req.headers.authorization;
  const token = coerceUuid(bearerToken(header));
  if (!token) throw paramMalformed(['headers', 'authorization'], header);
  return token;
}

/** Requires an admin token valid for the app. */
export function authedAppId(req: ApiRequest, engine: Engine): string {
  const appId = untrustedAppId(req);
  const token = adminToken(req);
  if (!engine.apps.tokenMatches(appId, token)) {
    throw recordNotFound('app-admin-token', {
      args: [{ token, 'app-id': appId }],
      message: 'This admin token may be expired or invalid. Or you may have provided an incorrect app ID.',
    });
  }
  return appId;
}

/** `get-perms!`, plus where the request comes from (for rules' `request.ip` / `request.origin`). */
export function resolveRequester(req: ApiRequest, engine: Engine, users: Users): Requester {
  return { ...whoIsAsking(req, engine, users), ip: req.ip, origin: req.headers.origin };
}

function whoIsAsking(req: ApiRequest, engine: Engine, users: Users): Requester {
  const asToken = req.headers['as-token'];
  const asEmail = req.headers['as-email'];
  const asGuest = req.headers['as-guest'];
  if (asToken) {
    const appId = untrustedAppId(req);
    const token = coerceUuid(asToken);
    if (!token) throw paramMalformed(['asUser', 'token'], asToken);
    const user = engine.apps.exists(appId) ? users.byRefreshToken(appId, token) : null;
    if (!user) throw recordNotFound('app-user', { args: [{ 'app-id': appId, 'refresh-token': token }] });
    return { appId, admin: false, user };
  }
  if (asEmail) {
    const appId = authedAppId(req, engine);
    const user = users.byEmail(appId, asEmail);
    if (!user) throw recordNotFound('app-user', { args: [{ 'app-id': appId, email: asEmail }] });
    return { appId, admin: false, user };
  }
  if (asGuest) {
    const appId = untrustedAppId(req);
    if (!engine.apps.exists(appId)) throw recordNotFound('app', { args: [{ id: appId }] });
    return { appId, admin: false, user: null };
  }
  return { appId: authedAppId(req, engine), admin: true, user: null };
}
