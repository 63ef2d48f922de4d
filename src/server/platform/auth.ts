// Who may use the platform routes (superadmin/routes.clj `req->superadmin-app!`, reached from
// dash/routes.clj `req->app-accepting-superadmin-or-ref-token!`): the Bearer token is an app's admin
// token, which names its app; a path app id must be that app. Instant also accepts personal access tokens
// and dashboard refresh tokens of Instant users; the local server has no Instant users, so any other
// token ends where Instant's user lookup ends, `Record not found: instant-user`.

import { InstantError, paramMissing, recordNotFound } from '../errors.js';
import { coerceUuid } from '../json.js';
import type { Engine } from '../engine.js';

export interface PlatformRequest {
  headers: Record<string, string | undefined>;
}

/** `http-util/req->bearer-token!`. */
function bearerToken(req: PlatformRequest): string {
  const header = req.headers.authorization;
  if (!header) throw paramMissing(['headers', 'authorization']);
  return header.split('Bearer ').pop()!.trim();
}

/** The app id the request's admin token is for, checked against the path's `:app_id` when there is one. */
export function platformAppId(req: PlatformRequest, engine: Engine, pathAppId?: string): string {
  const token = coerceUuid(bearerToken(req));
  const appId = token ? engine.apps.appOfToken(token) : undefined;
  if (!appId) throw recordNotFound('instant-user', { args: [{ 'auth?': true }] });
  const requested = pathAppId === undefined ? undefined : (coerceUuid(pathAppId) ?? pathAppId);
  if (requested !== undefined && requested !== appId) {
    throw new InstantError(
      'validation-failed',
      `This admin token does not belong to app ${requested}. Admin tokens are bound to a single app. Use a personal access token to manage other apps.`,
      { reason: 'admin-token-mismatch' },
    );
  }
  return appId;
}
