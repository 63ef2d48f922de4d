// GET /admin/rooms/presence (admin/routes.clj `presence-get`): the sessions of one room, each session's
// `user` replaced by that user's `$users` row (null when the user is gone).

import type { Json, JsonObject } from '../json.js';
import type { Services } from './services.js';
import { authedAppId } from './requester.js';
import { requiredParam, type ApiRequest } from './io.js';

/** `string-util/coerce-non-blank-str`: a string with something besides whitespace. */
const asNonBlank = (x: unknown): string | undefined => (typeof x === 'string' && x.trim() !== '' ? x : undefined);

export function presenceGet(req: ApiRequest, s: Services): Json {
  const appId = authedAppId(req, s.engine);
  // Required although unused, as on Instant: rooms are keyed by id alone (routes.clj keeps `room-type` for
  // future permissions).
  requiredParam(req, 'params', 'room-type', asNonBlank);
  const roomId = requiredParam(req, 'params', 'room-id', asNonBlank);
  const sessions: JsonObject = {};
  for (const [sessionId, session] of s.presence?.sessions(appId, roomId) ?? []) {
    const user = session.user ? s.users.get(appId, session.user.id) : null;
    sessions[sessionId] = { ...session, user } as unknown as Json;
  }
  return { sessions };
}
