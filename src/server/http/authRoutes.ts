// Auth and `$users` routes (admin/routes.clj, runtime/routes.clj, runtime/magic_code_auth.clj). All of
// them require the admin token except /runtime/auth/verify_refresh_token.

import { randomUUID } from 'node:crypto';
import { recordNotFound, validationError } from '../errors.js';
import { isObject, type Json } from '../json.js';
import type { User } from '../auth/users.js';
import { magicCodeEmail } from '../auth/email.js';
import type { Services } from './services.js';
import { authedAppId } from './requester.js';
import { asEmail, asUuid, optionalParam, requiredParam, type ApiRequest } from './io.js';

function extraFields(req: ApiRequest): Record<string, Json> | undefined {
  const raw = req.body?.['extra-fields'];
  return isObject(raw) ? raw : undefined;
}

function withToken(user: User, token: string): User {
  return { ...user, refresh_token: token };
}

/** POST /admin/refresh_tokens: finds or creates the user by email or id, then mints a token. */
export function refreshTokensPost(req: ApiRequest, s: Services): Json {
  const appId = authedAppId(req, s.engine);
  const email = optionalParam(req, 'body', 'email', asEmail);
  const id = optionalParam(req, 'body', 'id', asUuid);
  const extra = extraFields(req);
  let existing: User | null;
  if (email) existing = s.users.byEmail(appId, email);
  else if (id) existing = s.users.get(appId, id);
  else throw validationError('body', req.body ?? null, [{ message: 'Please provide an `email` or `id`' }]);
  let user = existing;
  if (!user) {
    // Admin signups skip the `$users` create rule, but extra fields must still be `$users` attrs.
    s.users.validateExtraFields(appId, extra);
    user = s.users.create(appId, { id: id ?? randomUUID(), email: email ?? null, extraFields: extra });
  }
  const token = s.users.createRefreshToken(appId, user.id as string);
  return { user: withToken(user, token), created: existing === null };
}

/** POST /admin/sign_out: `id` → all tokens, `email` → all tokens (unknown email is an error), `refresh_token` → one. */
export function signOutPost(req: ApiRequest, s: Services): Json {
  const appId = authedAppId(req, s.engine);
  const body = req.body ?? {};
  if (body.id) {
    s.users.deleteRefreshTokensOf(appId, requiredParam(req, 'body', 'id', asUuid));
  } else if (body.email) {
    const email = requiredParam(req, 'body', 'email', asEmail);
    const user = s.users.byEmail(appId, email);
    if (!user) throw recordNotFound('app-user', { args: [{ 'app-id': appId, email }] });
    s.users.deleteRefreshTokensOf(appId, user.id as string);
  } else if (body.refresh_token) {
    s.users.deleteRefreshToken(appId, requiredParam(req, 'body', 'refresh_token', asUuid));
  } else {
    throw validationError('body', body, [{ message: 'Please provide an `id`, `email`, or `refresh_token`' }]);
  }
  return { ok: true };
}

/** The user named by `email`, `refresh_token` or `id` query params, checked in that order. */
function userFromParams(req: ApiRequest, s: Services): { appId: string; user: User | null } {
  const appId = authedAppId(req, s.engine);
  const q = req.query;
  if (q.email) return { appId, user: s.users.byEmail(appId, requiredParam(req, 'params', 'email', asEmail)) };
  if (q.refresh_token) {
    return { appId, user: s.users.byRefreshToken(appId, requiredParam(req, 'params', 'refresh_token', asUuid)) };
  }
  if (q.id) return { appId, user: s.users.get(appId, requiredParam(req, 'params', 'id', asUuid)) };
  throw validationError('params', q, [{ message: 'Please provide a user id, email, or refresh_token' }]);
}

export function usersGet(req: ApiRequest, s: Services): Json {
  return { user: userFromParams(req, s).user };
}

export function usersDelete(req: ApiRequest, s: Services): Json {
  const { appId, user } = userFromParams(req, s);
  return { deleted: user ? s.users.delete(appId, user.id as string) : null };
}

export function magicCodePost(req: ApiRequest, s: Services): Json {
  const appId = authedAppId(req, s.engine);
  const email = requiredParam(req, 'body', 'email', asEmail);
  return { code: s.magicCodes.create(appId, email) };
}

/** Nothing is emailed locally: the email goes to `onEmail`, else the code to the server log (and, as in Instant, into the response). */
export function sendMagicCodePost(req: ApiRequest, s: Services): Json {
  const appId = authedAppId(req, s.engine);
  const email = requiredParam(req, 'body', 'email', asEmail);
  const code = s.magicCodes.create(appId, email);
  if (s.onEmail) s.onEmail(magicCodeEmail(appId, email, code, s.magicCodes.expiryMinutes));
  else s.log(`[instant-codegen] magic code for ${email} (app ${appId}): ${code}`);
  return { code };
}

/** POST /admin/verify_magic_code: consumes the code, finds or creates the user, mints a token. */
export function verifyMagicCodePost(req: ApiRequest, s: Services): Json {
  const appId = authedAppId(req, s.engine);
  const email = requiredParam(req, 'body', 'email', asEmail);
  const code = requiredParam(req, 'body', 'code', (x) => (typeof x === 'string' ? x.trim() : String(x)));
  const extra = extraFields(req);
  const guestToken = optionalParam(req, 'body', 'refresh-token', asUuid);
  const guest = guestToken ? guestUser(s, appId, guestToken) : null;
  const existing = s.users.byEmail(appId, email);
  if (!existing) s.users.validateExtraFields(appId, extra);
  s.magicCodes.consume(appId, email, code);
  const user =
    existing ??
    s.users.create(appId, { id: (guest?.id as string | undefined) ?? randomUUID(), email, type: 'user', extraFields: extra });
  if (guest && guest.id !== user.id) s.users.linkGuest(appId, guest.id as string, user.id as string);
  const token = s.users.createRefreshToken(appId, user.id as string);
  return { user: withToken(s.users.get(appId, user.id as string) ?? user, token), created: existing === null };
}

function guestUser(s: Services, appId: string, token: string): User | null {
  const user = s.users.byRefreshToken(appId, token);
  if (!user) throw recordNotFound('app-user', { args: [{ 'app-id': appId, 'refresh-token': token }] });
  return user.type === 'guest' ? user : null;
}

export function signInGuestPost(req: ApiRequest, s: Services): Json {
  const appId = authedAppId(req, s.engine);
  const extra = extraFields(req);
  if (extra && Object.keys(extra).length) s.users.validateExtraFields(appId, extra);
  const user = s.users.create(appId, { type: 'guest', extraFields: extra });
  const token = s.users.createRefreshToken(appId, user.id as string);
  return { user: withToken(user, token) };
}

/** POST /runtime/auth/verify_refresh_token: no admin token; kebab-case body keys. */
export function verifyRefreshTokenPost(req: ApiRequest, s: Services): Json {
  const token = requiredParam(req, 'body', 'refresh-token', asUuid);
  const appId = requiredParam(req, 'body', 'app-id', asUuid);
  const user = s.engine.apps.exists(appId) ? s.users.byRefreshToken(appId, token) : null;
  if (!user) throw recordNotFound('app-user', { args: [{ 'app-id': appId, 'refresh-token': token }] });
  return { user: withToken(user, token) };
}
