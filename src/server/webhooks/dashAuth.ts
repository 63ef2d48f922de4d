// Who may call the webhook manager routes (dash/routes.clj `req->app-accepting-superadmin-or-ref-token!`,
// superadmin/routes.clj `req->superadmin-app!`): the Bearer token must be the admin token of the app in the
// path. Another app's admin token is `admin-token-mismatch`; any other token is looked up as a dashboard
// user's refresh token, which a local server has none of.

import { sha256 } from '../../util/hash.js';
import type { Engine } from '../engine.js';
import { InstantError, paramMalformed, paramMissing, recordNotFound } from '../errors.js';
import { coerceUuid } from '../json.js';

export function bearerToken(authorization: string | undefined): string {
  if (!authorization) throw paramMissing(['headers', 'authorization']);
  return authorization.split('Bearer ').pop()!.trim();
}

function appOfAdminToken(engine: Engine, token: string): string | undefined {
  return engine.db.prepare<[string], string>('SELECT id FROM apps WHERE admin_token_hash = ?').pluck().get(sha256(token));
}

export function dashAppId(engine: Engine, rawAppId: string, authorization: string | undefined): string {
  const token = bearerToken(authorization);
  const owner = coerceUuid(token) ? appOfAdminToken(engine, coerceUuid(token)!) : undefined;
  const appId = coerceUuid(rawAppId);
  if (!owner) {
    if (!appId) throw paramMalformed(['params', 'app_id'], rawAppId);
    throw recordNotFound('instant-user', { args: [{ 'auth?': true }] });
  }
  if (!appId) throw paramMalformed(['params', 'app_id'], rawAppId);
  if (appId !== owner) {
    throw new InstantError(
      'validation-failed',
      `This admin token does not belong to app ${appId}. Admin tokens are bound to a single app. Use a personal access token to manage other apps.`,
      { reason: 'admin-token-mismatch' },
    );
  }
  return owner;
}
