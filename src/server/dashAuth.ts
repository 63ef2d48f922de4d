// Who may call the /dash and /superadmin routes (the platform routes instant-cli uses, the webhook manager):
// superadmin/routes.clj `req->superadmin-app!`, reached from dash/routes.clj
// `req->app-accepting-superadmin-or-ref-token!`. The Bearer token is an app's admin token, which names its
// app; a path's app id must be that app. Instant also accepts personal access tokens and dashboard refresh
// tokens of Instant users; the local server has no Instant users, so any other token ends where Instant's
// user lookup ends, `Record not found: instant-user`.

import type { Engine } from './engine.js';
import { InstantError, paramMalformed, paramMissing, recordNotFound } from './errors.js';
import { coerceUuid } from './json.js';

/** `http-util/req->bearer-token!`. */
export function bearerToken(authorization: string | undefined): string {
  if (!authorization) throw paramMissing(['headers', 'authorization']);
  return authorization.split('Bearer ').pop()!.trim();
}

/** The app the request's admin token is for, checked against the path's `:app_id` when there is one. */
export function dashAppId(engine: Engine, authorization: string | undefined, pathAppId?: string): string {
  const token = coerceUuid(bearerToken(authorization));
  const requested = pathAppId === undefined ? undefined : coerceUuid(pathAppId);
  if (pathAppId !== undefined && !requested) throw paramMalformed(['params', 'app_id'], pathAppId);
  const appId = token ? engine.apps.appOfToken(token) : undefined;
  if (!appId) throw recordNotFound('instant-user', { args: [{ 'auth?': true }] });
  if (requested !== undefined && requested !== appId) {
    throw new InstantError(
      'validation-failed',
      `This admin token does not belong to app ${requested}. Admin tokens are bound to a single app. Use a personal access token to manage other apps.`,
      { reason: 'admin-token-mismatch' },
    );
  }
  return appId;
}
